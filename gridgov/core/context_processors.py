from django.conf import settings
from django.utils.translation import gettext as _

from .registry import menu_for

_UNREAD = "_gridgov_unread_notifications"


def unread_notifications(user) -> int:
    """How many unread notifications ``user`` has: one COUNT per request, shared by the menu
    and the templates (kept on the request's user object)."""
    if user is None or not user.is_authenticated:
        return 0
    if _UNREAD not in user.__dict__:
        from gridgov.accounts.selectors import notifications_unread_count

        user.__dict__[_UNREAD] = notifications_unread_count(user)
    return user.__dict__[_UNREAD]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "unread_notifications": 0}
    return {
        "menu": menu_for(user),
        "unread_notifications": unread_notifications(user),
        # What app.js needs to keep the inbox's menu entry up to date without a reload.
        "inbox_label_some": _("Messages (%(n)d)").replace("%(n)d", "{n}"),
        "inbox_label_none": _("Inbox"),
        "unread_refresh": settings.GRIDGOV_BOARD_REFRESH_SECONDS,
    }
