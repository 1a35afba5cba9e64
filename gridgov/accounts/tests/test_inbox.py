"""The in-app inbox: lists a user's notifications (newest first, unread marked), opens one
(marking it read), marks all read, shows the unread count in the menu, and keeps its query
count whatever the number of messages."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.accounts.models import Notification, NotificationKind
from gridgov.accounts.services import notifications_send

User = get_user_model()


@pytest.fixture
def people(db):
    return (
        User.objects.create_user(username="mengqian", password="x", full_name="孟倩"),
        User.objects.create_user(username="taiping", password="x", full_name="李强"),
    )


def send(user, n=1, start=0, kind=NotificationKind.NEW_REPORT, url="/cases/20221228000001/"):
    for i in range(start, start + n):
        notifications_send(
            user_ids=[user.pk], kind=kind, title=f"上报 {i:03d}：破损路面/彩砖", url=url, source=f"test:{i}"
        )


def nav(html: str) -> str:
    return html.split('class="app-nav"')[1].split("</nav>")[0]


def test_inbox_lists_my_messages_newest_first_with_the_unread_count(client, people):
    # given two messages for the grid worker and one for someone else
    me, other = people
    send(me, 2)
    notifications_send(user_ids=[other.pk], kind="new_case", title="别人的消息", source="test:other")
    client.force_login(me)
    # when they open their inbox
    response = client.get("/accounts/inbox/")
    html = response.content.decode()
    # then they see their own messages, newest first, both unread, and the count in the menu
    assert response.status_code == 200
    assert html.index("上报 001") < html.index("上报 000")
    assert "别人的消息" not in html
    assert html.count("is-unread") == 2 and "2 条未读" in html
    assert "消息（2）" in nav(html)
    assert ">待核实上报<" in html  # the kind, translated


def test_opening_a_message_marks_it_read_and_goes_to_its_case(client, people):
    me, _other = people
    send(me, 2)
    first = Notification.objects.filter(user=me).order_by("pk").first()
    client.force_login(me)
    # when they open the first message
    response = client.post(f"/accounts/inbox/{first.pk}/read/", {"open": "1"})
    # then it is read and they land on its case
    assert response.status_code == 302 and response["Location"] == "/cases/20221228000001/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(user=me, read_at__isnull=True).count() == 1
    html = client.get("/accounts/inbox/").content.decode()
    assert html.count("is-unread") == 1 and "消息（1）" in nav(html)


def test_marking_read_without_open_stays_in_the_inbox_and_never_leaves_the_site(client, people):
    me, _other = people
    send(me, 1, url="https://evil.example/")
    note = Notification.objects.get(user=me)
    client.force_login(me)
    response = client.post(f"/accounts/inbox/{note.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/accounts/inbox/"


def test_someone_elses_message_is_not_found(client, people):
    me, other = people
    send(other, 1)
    note = Notification.objects.get(user=other)
    client.force_login(me)
    assert client.post(f"/accounts/inbox/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read(client, people):
    me, other = people
    send(me, 3)
    send(other, 1, start=10)
    client.force_login(me)
    response = client.post("/accounts/inbox/read-all/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "已将 3 条消息标为已读。" in html
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1
    assert "is-unread" not in html and "消息（" not in nav(html)


def test_unread_filter(client, people):
    me, _other = people
    send(me, 2)
    Notification.objects.filter(user=me, title__endswith="破损路面/彩砖", source="test:0").update(
        read_at="2026-01-01T00:00Z"
    )
    client.force_login(me)
    html = client.get("/accounts/inbox/?show=unread").content.decode()
    assert "上报 001" in html and "上报 000" not in html
    Notification.objects.filter(user=me).update(read_at="2026-01-01T00:00Z")
    assert "没有未读消息。" in client.get("/accounts/inbox/?show=unread").content.decode()


def test_inbox_is_for_signed_in_users_and_marking_is_post_only(client, people):
    assert client.get("/accounts/inbox/")["Location"].startswith("/accounts/login/")
    client.force_login(people[0])
    assert client.get("/accounts/inbox/read-all/").status_code == 405
    assert "还没有消息。" in client.get("/accounts/inbox/").content.decode()


def test_inbox_query_count_does_not_grow_with_messages(client, people):
    # given 3 messages
    me, _other = people
    send(me, 3)
    client.force_login(me)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/accounts/inbox/").status_code == 200
    # when there are 15
    send(me, 12, start=3)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/accounts/inbox/").content.decode()
    # then the page takes as many queries (and shows 15 messages)
    assert html.count('class="inbox-item') == 15
    assert len(many) == len(few) <= 8


def test_unread_count_is_one_query_per_page(client, people, django_assert_max_num_queries):
    me, _other = people
    send(me, 2)
    client.force_login(me)
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/inbox/")
    counts = [
        q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "notification" in q["sql"].lower()
    ]
    # one COUNT for the unread badge and one for the paginator, not one per use
    assert len(counts) == 2
