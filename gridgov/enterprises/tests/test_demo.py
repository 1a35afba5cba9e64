"""The demo registry: 太平街道's enterprises with valid codes and liaison cadres, re-runnable."""

import pytest
from django.core.management import call_command

from gridgov.core.validators import uscc_valid
from gridgov.enterprises.demo import ENTERPRISES
from gridgov.enterprises.models import Enterprise
from gridgov.enterprises.selectors import enterprises_visible
from gridgov.orgs.demo import TAIPING


@pytest.mark.django_db
def test_demo_registers_taipings_enterprises_and_is_rerunnable(django_user_model):
    # When the demo is loaded
    call_command("load_demo")
    # Then every demo enterprise is there, in 太平街道, with a valid code
    enterprises = Enterprise.objects.select_related("liaison")
    assert enterprises.count() == len(ENTERPRISES) >= 5
    assert all(e.path.startswith(TAIPING) and uscc_valid(e.uscc) for e in enterprises)
    # And the county centre looks after the rice mill, the housing bureau's cadre after the builder
    liaisons = {e.name: e.liaison.username for e in enterprises if e.liaison}
    assert liaisons["盘锦太平米业有限公司"] == "panshan"
    assert liaisons["盘锦鑫达建筑工程有限公司"] == "zhujian"
    # And 太平街道's centre sees them all, 繁荣街道's none, the bureau's cadre only the builder
    users = {
        u.username: u
        for u in django_user_model.objects.filter(username__in=["taiping", "fanrong", "zhujian"])
    }
    assert enterprises_visible(users["taiping"]).count() == len(ENTERPRISES)
    assert not enterprises_visible(users["fanrong"]).exists()
    assert [e.name for e in enterprises_visible(users["zhujian"])] == ["盘锦鑫达建筑工程有限公司"]
    # When it is loaded again nothing is added
    call_command("load_demo")
    assert Enterprise.objects.count() == len(ENTERPRISES)
