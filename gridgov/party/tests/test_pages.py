"""The party service page: a member's card masked, the activities open to them with the right
button, an error page of the right status; the organiser's code page; who may see them; the
same number of queries for few and many activities."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.party import services


def activity(world, party, **kwargs):
    now = timezone.now()
    return services.activity_publish(
        actor=party.secretary,
        organisation=world.units["branch"],
        place=world.t.village,
        title=kwargs.get("title", "村道清雪志愿服务"),
        location="张家村村委会门口",
        starts_at=now + timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        slots=kwargs.get("slots", 15),
    )


@pytest.mark.django_db
def test_the_members_page_masks_the_card_and_offers_the_next_step(client, world, party):
    a = activity(world, party)
    client.force_login(party.wang_user)
    text = client.get("/party/").content.decode()
    # the card is masked: no full phone or ID number on the page
    assert (
        "王德安" in text
        and "139****1234" in text
        and "13904271234" not in text
        and "211122196503120014" not in text
    )
    # when she signs up from the page, then the page offers the check-in with the code
    response = client.post(f"/party/activities/{a.pk}/signup/")
    assert response.status_code == 302
    text = client.get("/party/").content.decode()
    assert "组织方出示的签到码" in text and "报名成功" in text
    # and a wrong code re-renders the page with the reason and a 400
    response = client.post(f"/party/activities/{a.pk}/check-in/", {"code": "12345"})
    assert response.status_code == 400 and "签到码不正确" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "page", "status"),
    [
        ("wang_user", "/party/", 200),
        ("secretary", "/party/", 200),
        ("resident", "/party/", 403),
        ("centre", "/party/", 403),
        ("secretary", "code", 200),
        ("wang_user", "code", 403),  # a member does not see the code
        ("sibling_secretary", "code", 404),
    ],
)
def test_who_opens_the_party_pages(client, world, party, who, page, status):
    a = activity(world, party)
    client.force_login(getattr(party, who, None) or getattr(world.users, who))
    url = f"/party/activities/{a.pk}/code/" if page == "code" else page
    assert client.get(url).status_code == status


@pytest.mark.django_db
def test_the_members_page_takes_the_same_queries_for_few_and_many_activities(client, world, party):
    client.force_login(party.wang_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/party/").status_code == 200
        return len(queries)

    activity(world, party)
    few = count()
    for i in range(5):
        services.signup_create(actor=party.wang_user, activity=activity(world, party, title=f"活动{i}"))
    assert count() == few


@pytest.mark.django_db
def test_a_central_household_makes_a_follow_up_a_case_from_the_page(client, world, party):
    from gridgov.cases.models import Case

    central = services.central_designate(actor=party.secretary, member=party.wang)
    household = services.household_add(
        actor=party.secretary, central=central, head="姜玉君", address="张家村1组1号"
    )
    visit = services.visit_record(
        actor=party.wang_user,
        central=central,
        household=household,
        visited_on=timezone.localdate(),
        asked="下水管堵了",
        follow_up="排水沟堵塞，需疏通",
    )
    client.force_login(party.wang_user)
    # given his page shows the follow-up with a category to choose
    text = client.get("/party/").content.decode()
    assert "排水沟堵塞，需疏通" in text and 'value="C0301"' in text
    # when he sends it without a category, then the page says why, with a 400
    response = client.post(f"/party/visits/{visit.pk}/case/", {"category": ""})
    assert response.status_code == 400 and "请选择问题类别" in response.content.decode()
    # when he chooses one, then the case exists and the page links it
    response = client.post(f"/party/visits/{visit.pk}/case/", {"category": "C0301"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.number in client.get("/party/").content.decode()
    # and another member cannot
    client.force_login(party.li_user)
    assert client.post(f"/party/visits/{visit.pk}/case/", {"category": "C0301"}).status_code == 404
