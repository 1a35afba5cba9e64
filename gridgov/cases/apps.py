from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gridgov.cases"
    label = "cases"
    verbose_name = _("Cases")

    def menu_entries(self, user):
        """Role-aware: residents report and follow their reports, grid workers verify and
        re-check, the command centre accepts and dispatches, handling units work their tasks;
        everyone signed in has their messages (with the unread count)."""
        from django.urls import reverse

        from gridgov.core.context_processors import unread_notifications
        from gridgov.core.registry import MenuEntry
        from gridgov.enterprises.selectors import enterprises_spoken_for

        from .access import viewer

        if not user.is_authenticated:
            return []
        v = viewer(user)
        entries = []
        if not v.is_staff_viewer:
            entries += [
                MenuEntry(_("Snap report"), reverse("cases:report"), order=10),
                MenuEntry(_("My reports"), reverse("cases:mine"), order=11),
            ]
        if v.grid_paths:
            entries += [
                MenuEntry(_("To verify"), reverse("cases:queue", args=["to_verify"]), order=20),
                MenuEntry(_("To re-check"), reverse("cases:queue", args=["to_check"]), order=21),
                MenuEntry(_("Patrol report"), reverse("cases:patrol"), order=22),
            ]
        if v.centre_paths:
            entries += [
                MenuEntry(_("To accept"), reverse("cases:queue", args=["incoming"]), order=30),
                MenuEntry(_("To dispatch"), reverse("cases:queue", args=["to_dispatch"]), order=31),
                MenuEntry(_("To close"), reverse("cases:queue", args=["to_close"]), order=32),
                MenuEntry(_("All cases"), reverse("cases:all"), order=33),
                MenuEntry(_("Hotline entry"), reverse("cases:hotline"), order=29),
            ]
        if any(len(p) >= 9 for p in v.own_centres):  # a street's or village's centre
            entries.append(MenuEntry(_("Whistle"), reverse("cases:whistle"), order=34))
        if any(len(p) in (4, 6) for p in v.own_centres):  # a city's or county's centre
            entries.append(MenuEntry(_("Directive"), reverse("cases:directive"), order=35))
        if v.unit_ids:
            entries.append(MenuEntry(_("My tasks"), reverse("cases:tasks"), order=40))
        if not v.centre_paths and enterprises_spoken_for(user).exists():
            entries.append(MenuEntry(_("Enterprise demand"), reverse("cases:demand"), order=12))
        unread = unread_notifications(user)
        label = _("Messages (%(n)d)") % {"n": unread} if unread else _("Inbox")
        entries.append(MenuEntry(label, reverse("accounts:inbox"), order=800))
        return entries

    def load_demo(self, out):
        from .demo import load_demo

        load_demo(out)

    def demo_loaded(self) -> bool:
        from .demo import demo_loaded

        return demo_loaded()

    def periodic_tasks(self):
        from .tasks import sla_sweep

        return [sla_sweep]
