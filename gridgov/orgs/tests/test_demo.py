import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from gridgov.orgs.demo import FANRONG, ZHANGJIA, demo_users
from gridgov.orgs.models import Level, Membership, OrgUnit, PartyKind, PartyOrganisation, Role


def snapshot():
    return {
        "units": OrgUnit.objects.count(),
        "parties": PartyOrganisation.objects.count(),
        "memberships": Membership.objects.count(),
        "users": get_user_model().objects.count(),
    }


@pytest.mark.django_db
def test_demo_has_the_articles_figures_and_a_user_per_role_and_is_rerunnable(capsys):
    # When the demo is loaded
    call_command("load_demo")
    # Then 繁荣街道 has 23 level-2 and 224 level-3 grids with 14 grid branches and 17 party groups
    fanrong = OrgUnit.objects.filter(path__startswith=FANRONG)
    assert fanrong.filter(level=Level.GRID2).count() == 23
    assert fanrong.filter(level=Level.GRID3).count() == 224
    fanrong_party = PartyOrganisation.objects.filter(path__startswith=FANRONG)
    assert fanrong_party.filter(kind=PartyKind.GRID_BRANCH).count() == 14
    assert fanrong_party.filter(kind=PartyKind.PARTY_GROUP).count() == 17
    # And every street/town and village of 盘山县 is there, each village with grids
    panshan = OrgUnit.objects.filter(path__startswith="211122")
    assert panshan.filter(level=Level.STREET).count() == 14
    villages = panshan.filter(level=Level.COMMUNITY).count()
    assert villages == 176
    assert panshan.filter(level=Level.GRID2).values("parent").distinct().count() == villages
    # And the grid worker 孟倩 works in a 张家村 grid
    mengqian = Membership.objects.select_related("org_unit", "user").get(user__username="mengqian")
    assert mengqian.role == Role.GRID_WORKER and mengqian.org_unit.path.startswith(ZHANGJIA)
    assert mengqian.user.full_name == "孟倩"
    # And every role has a demo user
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()
    # When it is loaded again, nothing is added
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before
    # And --once does nothing at all
    capsys.readouterr()
    call_command("load_demo", "--once")
    assert "already loaded" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_logins_lists_the_accounts(capsys):
    call_command("load_demo")
    capsys.readouterr()
    call_command("demo_logins")
    out = capsys.readouterr().out
    for user in demo_users():
        assert user.username in out
    assert "孟倩" in out and "网格员" in out
