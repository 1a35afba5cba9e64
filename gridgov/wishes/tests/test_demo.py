"""The demo wishes: 繁荣街道 with 200+ wishes claimed in every state, made-up beneficiaries,
loaded quickly and once."""

import time

import pytest
from django.core.management import call_command

from gridgov.orgs.demo import FANRONG, ZHANGJIA
from gridgov.party.models import PointEntry
from gridgov.wishes import demo
from gridgov.wishes.models import Pledge, Wish


class Out:
    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.append(text)


@pytest.mark.django_db
def test_demo_wishes_of_fanrong_in_every_state_and_rerunnable(client):
    # given the demo of every module up to the party's (this one's own part timed apart)
    call_command("load_demo")
    # then 繁荣街道 has 200+ wishes claimed, in every state, each covered by its live pledges
    wishes = Wish.objects.filter(path__startswith=FANRONG)
    assert wishes.filter(units_pledged__gt=0).count() >= 200
    assert set(wishes.values_list("status", flat=True)) == {
        "pending", "rejected", "published", "fulfilled", "confirmed", "thanked",
    }  # fmt: skip
    assert wishes.filter(status="published", units_pledged=0).exists()
    assert wishes.filter(status="published", units_pledged__gt=0).exists()
    for wish in wishes.filter(units_pledged__gt=0).prefetch_related("pledges")[:50]:
        assert sum(p.units for p in wish.pledges.all()) == wish.units_pledged <= wish.units_needed
    assert all(p.startswith("1390430") for p in wishes.values_list("beneficiary_phone", flat=True))
    assert Pledge.objects.filter(member__isnull=True).count() == 0
    assert PointEntry.objects.filter(source__startswith="wishes.pledge:").exists()
    # and 张家村 has three wishes published for its members to claim
    zhangjia = Wish.objects.filter(path__startswith=ZHANGJIA)
    assert list(zhangjia.values_list("status", "units_pledged")) == [("published", 0)] * 3
    # and the public wall shows them all
    assert (
        client.get("/api/wishes/public").json()["count"]
        == Wish.objects.exclude(status__in=("pending", "rejected")).count()
    )
    # when it is loaded again nothing changes
    before = (Wish.objects.count(), Pledge.objects.count(), PointEntry.objects.count())
    call_command("load_demo")
    assert (Wish.objects.count(), Pledge.objects.count(), PointEntry.objects.count()) == before
    # and this module's part is fast
    Wish.objects.all().delete()
    PointEntry.objects.filter(source__startswith="wishes.pledge:").delete()
    started = time.perf_counter()
    demo.load_demo(Out())
    assert time.perf_counter() - started < 2
    assert Wish.objects.count() == before[0]
