from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "gridgov.wishes"
    label = "wishes"
    verbose_name = _("Micro-wishes")

    def menu_entries(self, user):
        """The public wish wall, for everyone signed in."""
        from django.urls import reverse

        from gridgov.core.registry import MenuEntry

        return [MenuEntry(_("Wish wall"), reverse("wishes:wall"), order=60)]

    def periodic_tasks(self):
        from .tasks import wishes_flag_unclaimed

        return [wishes_flag_unclaimed]

    def screen_figures(self, scope: str):
        """Micro-wishes on the big screen: how many were claimed (at least one pledge)."""
        from gridgov.core.registry import ScreenFigure

        from .selectors import claimed_count

        return [ScreenFigure(_("wishes claimed"), claimed_count(scope))]

    def load_demo(self, out):
        from .demo import load_demo

        load_demo(out)

    def demo_loaded(self) -> bool:
        from .demo import demo_loaded

        return demo_loaded()
