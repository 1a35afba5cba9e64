"""审核: a command centre decides what the public sees of a published report (Open311's public
requests): its text redacted, the reporter's photos hidden, or the whole report hidden, while
the description and the photos stay as they came for those who handle the case. Published
reports it has not reviewed wait in its 待审核 list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases import services
from gridgov.cases.models import Case, Channel
from gridgov.core.errors import PermissionDenied, ValidationFailed
from gridgov.open311.tests.conftest import Open311, key  # noqa: F401

from .conftest import jpeg, resident_report

pytestmark = pytest.mark.django_db

ABUSE = "村委会门前彩砖破损，都怪王大海这个混蛋"


@pytest.fixture
def published(world):
    """Given a resident's report with a photo, verified by its grid worker: published."""
    case = resident_report(world, description=ABUSE, photos=[jpeg("before.jpg")])
    return services.case_verify(actor=world.users.grid_worker, case=case)


@pytest.fixture
def o311(client, world, key):  # noqa: F811
    return Open311(client, key[1])


def test_a_redacted_text_and_hidden_photo_are_what_the_public_sees(world, published, o311, client):
    photo = published.photos.get()
    # given the public sees the report as it came, with its photo
    row = o311.get(f"requests/{published.number}").body[0]
    assert row["description"] == ABUSE and row["media_url"].endswith(f"/media/{photo.pk}.jpg")
    # when the centre redacts its text and hides the reporter's photo
    services.case_moderate(
        actor=world.users.centre,
        case=published,
        public_text="村委会门前彩砖破损",
        hide_photos=True,
        note="含人身攻击",
    )
    # then the public reads the redacted text, without the photo, and cannot fetch it
    row = o311.get(f"requests/{published.number}", extensions="true").body[0]
    assert row["description"] == "村委会门前彩砖破损" and row["media_url"] is None
    assert photo.pk not in [p.get("id") for p in row.get("extended_attributes", {}).get("photos", [])]
    assert client.get(f"/open311/v2/media/{photo.pk}.jpg").status_code == 404
    # and the case keeps its description and photo; the step is internal, with its note
    case = Case.objects.get(pk=published.pk)
    assert case.description == ABUSE and case.photos.count() == 1 and case.moderated_at is not None
    event = case.events.get(action="moderate")
    assert (event.internal, event.note, event.data["photos_hidden"]) == (True, "含人身攻击", True)
    # and the reporter's own page still shows what they wrote
    client.force_login(world.users.resident)
    assert ABUSE in client.get(f"/cases/{case.number}/").content.decode()


def test_a_hidden_report_is_not_published_at_all(world, published, o311, client):
    # when the centre hides the whole report (over the API)
    client.force_login(world.users.centre)
    hidden = client.post(
        f"/api/cases/{published.number}/moderate", {"hide": True}, content_type="application/json"
    )
    assert hidden.status_code == 200
    # then it is neither found nor listed
    assert o311.get(f"requests/{published.number}").status == 404
    assert published.number not in [r["service_request_id"] for r in o311.get("requests").body]
    # when it is shown again (the review changed), then it is back
    services.case_moderate(actor=world.users.centre, case=Case.objects.get(pk=published.pk))
    assert o311.get(f"requests/{published.number}").status == 200


@pytest.mark.parametrize("who", ["grid_worker", "unit", "resident"])
def test_only_the_centre_reviews(world, published, who):
    # when someone else than the centre tries, then it is refused and nothing changes
    with pytest.raises(PermissionDenied):
        services.case_moderate(actor=getattr(world.users, who), case=published, hide=True)
    assert not Case.objects.get(pk=published.pk).public_hidden


def test_a_whistle_is_not_published_so_not_reviewed(world):
    whistle = Case.objects.filter(pk=resident_report(world).pk)
    whistle.update(channel=Channel.GRASSROOTS, status="submitted")
    with pytest.raises(ValidationFailed):
        services.case_moderate(actor=world.users.centre, case=whistle.get(), hide=True)
    assert "moderate" not in services.actions_for(world.users.centre, whistle.get())


def test_the_review_list_holds_what_is_unreviewed_and_the_page_reviews_it(world, published, client):
    client.force_login(world.users.centre)
    # given the centre's 待审核 list with the published report
    page = client.get("/cases/queue/to_review/").content.decode()
    assert published.number in page and "待审核" in page
    # and the case page offers the review with the redacted text to start from
    detail = client.get(f"/cases/{published.number}/").content.decode()
    assert f'action="/cases/{published.number}/moderate/"' in detail and "保存公开内容" in detail
    # when the centre saves it as it is (approves it)
    response = client.post(f"/cases/{published.number}/moderate/", {"public_text": ABUSE})
    # then it leaves the list; the public text is the description itself
    assert response.status_code == 302
    case = Case.objects.get(pk=published.pk)
    assert case.moderated_at is not None and case.public_text == "" and not case.public_hidden
    assert published.number not in client.get("/cases/queue/to_review/").content.decode()
    # and a text over the limit is a 400 naming the field, nothing changed
    too_long = client.post(f"/cases/{published.number}/moderate/", {"public_text": "长" * 2001, "hide": "on"})
    assert too_long.status_code == 400 and not Case.objects.get(pk=published.pk).public_hidden


def test_the_review_list_takes_the_same_queries_for_few_and_many(world, client):
    client.force_login(world.users.centre)

    def queries(n):
        for _ in range(n):
            services.case_verify(actor=world.users.grid_worker, case=resident_report(world))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/cases/queue/to_review/").status_code == 200
        return len(ctx.captured_queries)

    assert queries(2) == queries(10)
