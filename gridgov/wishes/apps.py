from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "gridgov.wishes"
    label = "wishes"
    verbose_name = _("Micro-wishes")

    def menu_entries(self, user):
        """The public wish wall, for everyone. Besides, read from the memberships every menu
        shares: a resident's own wishes (no query); a party member's claims (no query); a
        secretary's claims when their unit is paired (the one query, for secretaries only); the
        review for secretaries, the confirmation for grid workers (no query)."""
        from django.urls import reverse

        from gridgov.core.registry import MenuEntry
        from gridgov.orgs.models import Role
        from gridgov.orgs.selectors import membership_rows

        entries = [MenuEntry(_("Wish wall"), reverse("wishes:wall"), order=60)]
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return entries
        rows = membership_rows(user)
        roles = {role for role, _p, _u in rows}
        if not rows and not user.is_superuser:
            entries.append(MenuEntry(_("My micro-wishes"), reverse("wishes:mine"), order=61))
        elif Role.PARTY_MEMBER in roles or (Role.PARTY_SECRETARY in roles and self._claims(user)):
            entries.append(MenuEntry(_("My claims"), reverse("wishes:mine"), order=61))
        if Role.PARTY_SECRETARY in roles or user.is_superuser:
            entries.append(MenuEntry(_("Wish review"), reverse("wishes:review"), order=62))
        elif Role.GRID_WORKER in roles:
            entries.append(MenuEntry(_("Wish confirmation"), reverse("wishes:review"), order=62))
        return entries

    @staticmethod
    def _claims(user) -> bool:
        from .selectors import may_claim_anything

        return may_claim_anything(user)

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
