"""Published wishes nobody claimed for GRIDGOV_WISH_UNCLAIMED_DAYS are flagged to the party
secretaries covering their community, once; the figures count wishes through their life."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.accounts.models import Notification
from gridgov.core.registry import screen_figures
from gridgov.wishes import selectors, services
from gridgov.wishes.models import Wish
from gridgov.wishes.tasks import flag_unclaimed, wishes_flag_unclaimed

from .conftest import jpeg, post_wish


@pytest.mark.django_db
def test_unclaimed_wishes_are_flagged_once_to_the_secretaries_covering_them(world, party, cast, settings):
    settings.GRIDGOV_WISH_UNCLAIMED_DAYS = 14
    now = timezone.now()
    # given a wish published 15 days ago and unclaimed, one published 15 days ago but claimed,
    # one published 3 days ago and one never published
    old, claimed, recent = (post_wish(world, cast, title=t) for t in ("旧心愿", "已认领", "新心愿"))
    for wish, days in ((old, 15), (claimed, 15), (recent, 3)):
        services.wish_review(actor=cast.secretary, wish=wish, approve=True, at=now - timedelta(days=days))
    services.pledge_create(actor=cast.member, wish=claimed)
    post_wish(world, cast, title="待审核")
    # when the sweep runs
    assert flag_unclaimed(now) == 1
    # then the old one is flagged and the secretaries over 张家村 hear of it, not the sibling village's
    assert list(Wish.objects.filter(flagged_at__isnull=False).values_list("title", flat=True)) == ["旧心愿"]
    told = set(
        Notification.objects.filter(source=f"wishes.unclaimed:{old.pk}").values_list("user", flat=True)
    )
    assert told == {cast.secretary.pk, party.county_secretary.pk}
    assert "旧心愿" in Notification.objects.filter(user=cast.secretary).get().title
    flagged_at = Wish.objects.get(pk=old.pk).flagged_at
    # when it runs again (as the scheduled task too), nothing new is flagged or sent
    assert flag_unclaimed(now + timedelta(minutes=1)) == 0
    wishes_flag_unclaimed.enqueue()
    assert Notification.objects.count() == 2
    assert Wish.objects.get(pk=old.pk).flagged_at == flagged_at


@pytest.mark.django_db
def test_figures_follow_wishes_through_their_life(world, party, cast):
    today = timezone.localdate()
    wish = post_wish(world, cast, units=2)
    post_wish(world, cast, title="待审核")
    services.wish_review(actor=cast.secretary, wish=wish, approve=True)
    pledge = services.pledge_create(actor=cast.member, wish=wish)
    services.pledge_fulfil(actor=cast.member, pledge=pledge, photo=jpeg())
    services.wish_confirm(actor=cast.grid_worker, wish=Wish.objects.get(pk=wish.pk))
    village = world.t.village.path
    assert selectors.figures(village, today, today) == {
        "posted": 2,
        "published": 1,
        "claimed": 1,
        "fulfilled": 1,
        "confirmed": 1,
    }
    assert selectors.figures(world.t.sibling_village.path, today, today)["posted"] == 0
    assert selectors.figures(village, today - timedelta(days=9), today - timedelta(days=1))["posted"] == 0
    # and the big screen counts the wishes claimed
    found = {str(f.label): f.value for f in screen_figures(world.t.county.path)}
    assert found["微心愿认领"] == 1
