"""The caller's inbox: notifications of the case loop (and later modules)."""

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core.errors import NotFound

from . import selectors, services

router = Router(tags=["accounts"])


class NotificationOut(Schema):
    id: int
    kind: str
    kind_display: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int


@router.get("/notifications", response=list[NotificationOut], summary="My inbox, newest first")
@paginate(PageNumberPagination, page_size=20)
def notification_list(request, unread: bool = False):
    return [
        NotificationOut(
            id=n.pk,
            kind=n.kind,
            kind_display=str(n.get_kind_display()),
            title=n.title,
            body=n.body,
            url=n.url,
            created_at=n.created_at,
            read_at=n.read_at,
        )
        for n in selectors.notifications_of(request.user, unread=unread)
    ]


@router.get("/notifications/unread", response=UnreadOut, summary="How many unread notifications I have")
def notification_unread(request):
    return UnreadOut(unread=selectors.notifications_unread_count(request.user))


@router.post("/notifications/{notification_id}/read", response=UnreadOut, summary="Mark one as read")
def notification_read(request, notification_id: int):
    if not selectors.notifications_of(request.user).filter(pk=notification_id).exists():
        raise NotFound()
    services.notification_read(actor=request.user, notification_id=notification_id)
    return UnreadOut(unread=selectors.notifications_unread_count(request.user))


@router.post("/notifications/read", response=UnreadOut, summary="Mark all as read")
def notifications_read(request):
    services.notifications_read_all(actor=request.user)
    return UnreadOut(unread=0)
