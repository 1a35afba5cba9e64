"""Registering and changing enterprises: who may, what is checked, and that a refused write
leaves nothing behind."""

import pytest
from django.db import transaction
from django.utils import translation

from gridgov.core.errors import PermissionDenied, ValidationFailed
from gridgov.enterprises.models import Enterprise, Industry, Size
from gridgov.enterprises.services import enterprise_create, enterprise_liaison_set, enterprise_update

from .conftest import MILL, SPARE, register


def test_a_street_centre_registers_an_enterprise_in_its_street(world):
    # Given the 太平街道 command centre
    # When it registers an enterprise in 常家村, typing the code in lower case and the phone with +86
    enterprise = register(
        world.users.centre,
        world.t.sibling_village,
        f" {SPARE.lower()} ",
        "  盘锦鑫达建筑工程有限公司 ",
        industry=Industry.CONSTRUCTION,
        contact_phone="+86 138-0013-8014",
    )
    # Then it is stored normalised, with the path of its unit
    enterprise.refresh_from_db()
    assert enterprise.uscc == SPARE
    assert enterprise.name == "盘锦鑫达建筑工程有限公司"
    assert enterprise.contact_phone == "13800138014"
    assert enterprise.path == world.t.sibling_village.path
    assert enterprise.is_active and enterprise.liaison is None
    with translation.override("zh-hans"):
        assert (enterprise.get_industry_display(), enterprise.get_size_display()) == ("建筑业", "小型")


@pytest.mark.parametrize("who", ["county_centre", "leader", "admin"])
def test_county_centre_leader_and_administrator_register_anywhere_below_them(world, who):
    enterprise = register(getattr(world.users, who), world.t.sibling_street, SPARE, "高升物流有限公司")
    assert Enterprise.objects.filter(pk=enterprise.pk, path=world.t.sibling_street.path).exists()


@pytest.mark.parametrize("who", ["sibling_centre", "grid_worker", "unit", "liaison", "party", "resident"])
def test_others_may_not_register_in_the_street(world, who):
    # Given someone who is not a centre operator or leader covering 太平街道
    # When they register an enterprise in 张家村
    with pytest.raises(PermissionDenied):
        register(getattr(world.users, who), world.t.village, SPARE, "无权登记的企业")
    # Then nothing is written
    assert not Enterprise.objects.filter(uscc=SPARE).exists()


def test_a_duplicate_code_in_any_case_is_a_field_error(world):
    # Given the mill is registered
    # When the code is registered again, in lower case, for another name
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as excinfo:
        register(world.users.county_centre, world.t.street, MILL.lower(), "另一家米业")
    # Then the field uscc says it is already registered, and nothing is added
    assert list(excinfo.value.fields) == ["uscc"]
    assert "已登记" in excinfo.value.fields["uscc"][0]
    assert Enterprise.objects.filter(uscc=MILL).count() == 1


def test_a_duplicate_slipping_past_the_check_is_still_a_field_error(world, monkeypatch):
    # Given the uniqueness check loses a race (another registration commits in between)
    monkeypatch.setattr(Enterprise, "validate_unique", lambda self, exclude=None: None)
    # When the same code is saved
    with transaction.atomic():
        with pytest.raises(ValidationFailed) as excinfo:
            register(world.users.centre, world.t.street, MILL, "并发登记")
        # Then the database's refusal is the same field error, and the transaction goes on
        assert list(excinfo.value.fields) == ["uscc"]
        assert Enterprise.objects.filter(uscc=MILL).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"uscc": "91211122MA0UB5LK21"}, "uscc"),  # wrong check character
        ({"uscc": "91211122MA0UB5LKO0"}, "uscc"),  # O is not used
        ({"uscc": ""}, "uscc"),
        ({"industry": "Z"}, "industry"),
        ({"size": "huge"}, "size"),
        ({"contact_phone": "0427-3512001"}, "contact_phone"),
        ({"org_unit": None}, "org_unit"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(world, fields, field):
    values = {"org_unit": world.t.street, "code": SPARE, "name": "盘锦鑫达建筑工程有限公司"}
    for name, value in fields.items():
        values["code" if name == "uscc" else name] = value
    with pytest.raises(ValidationFailed) as excinfo:
        register(world.users.county_centre, **values)
    assert field in excinfo.value.fields
    assert not Enterprise.objects.filter(uscc=SPARE).exists()


@pytest.mark.parametrize("level", ["county", "city"])
def test_an_enterprise_sits_in_a_street_or_below(world, level):
    with pytest.raises(ValidationFailed) as excinfo:
        register(world.users.admin, getattr(world.t, level), SPARE, "县级企业")
    assert list(excinfo.value.fields) == ["org_unit"]


def test_every_field_error_is_reported_at_once(world):
    with pytest.raises(ValidationFailed) as excinfo:
        register(world.users.centre, world.t.street, "X", "", industry="", size="", contact_phone="1")
    assert set(excinfo.value.fields) == {"name", "uscc", "industry", "size", "contact_phone"}


def test_the_centre_changes_its_enterprise(world):
    # When the street centre corrects the mill's contact and size
    enterprise_update(
        actor=world.users.centre,
        enterprise=world.mill,
        contact_name="刘洋",
        contact_phone="13800138019",
        size=Size.LARGE,
        address="",
    )
    # Then that is stored, and nothing else changes
    mill = Enterprise.objects.get(pk=world.mill.pk)
    assert (mill.contact_name, mill.contact_phone, mill.size, mill.address) == (
        "刘洋",
        "13800138019",
        "large",
        "",
    )
    assert (mill.name, mill.uscc, mill.liaison_id) == ("盘锦太平米业有限公司", MILL, world.users.liaison.pk)


def test_the_registry_keeps_an_enterprise_that_closes(world):
    enterprise_update(actor=world.users.leader, enterprise=world.mill, is_active=False)
    assert not Enterprise.objects.get(pk=world.mill.pk).is_active


def test_moving_needs_both_units_in_scope(world):
    # Given the street centre, who does not cover 高升街道
    # When it moves the mill there, it is refused and the mill stays
    with pytest.raises(PermissionDenied):
        enterprise_update(actor=world.users.centre, enterprise=world.mill, org_unit=world.t.sibling_street)
    assert Enterprise.objects.get(pk=world.mill.pk).path == world.t.village.path
    # When the county centre moves it, the path follows
    enterprise_update(
        actor=world.users.county_centre,
        enterprise=Enterprise.objects.get(pk=world.mill.pk),
        org_unit=world.t.sibling_street,
    )
    assert Enterprise.objects.get(pk=world.mill.pk).path == world.t.sibling_street.path


@pytest.mark.parametrize("who", ["sibling_centre", "grid_worker", "liaison", "resident"])
def test_others_may_not_change_it(world, who):
    with pytest.raises(PermissionDenied):
        enterprise_update(actor=getattr(world.users, who), enterprise=world.mill, name="改名")
    assert Enterprise.objects.get(pk=world.mill.pk).name == "盘锦太平米业有限公司"


def test_changing_to_another_enterprises_code_is_a_field_error(world):
    with pytest.raises(ValidationFailed) as excinfo:
        enterprise_update(actor=world.users.county_centre, enterprise=world.workshop, uscc=MILL)
    assert list(excinfo.value.fields) == ["uscc"]
    assert Enterprise.objects.get(pk=world.workshop.pk).uscc != MILL


def test_keeping_its_own_code_is_no_duplicate(world):
    enterprise_update(actor=world.users.centre, enterprise=world.mill, uscc=MILL.lower(), name="盘锦太平米业")
    assert Enterprise.objects.get(pk=world.mill.pk).name == "盘锦太平米业"


def test_the_liaison_cadre_is_set_changed_and_removed(world):
    # When the centre names the county leader the mill's liaison cadre
    enterprise_liaison_set(actor=world.users.centre, enterprise=world.mill, liaison=world.users.leader)
    assert Enterprise.objects.get(pk=world.mill.pk).liaison == world.users.leader
    # When it removes the liaison
    enterprise_liaison_set(actor=world.users.centre, enterprise=world.mill, liaison=None)
    assert Enterprise.objects.get(pk=world.mill.pk).liaison is None


def test_a_resident_is_no_liaison_cadre(world):
    with pytest.raises(ValidationFailed) as excinfo:
        enterprise_liaison_set(actor=world.users.centre, enterprise=world.mill, liaison=world.users.resident)
    assert list(excinfo.value.fields) == ["liaison"]
    assert Enterprise.objects.get(pk=world.mill.pk).liaison == world.users.liaison


def test_only_a_manager_sets_the_liaison(world):
    with pytest.raises(PermissionDenied):
        enterprise_liaison_set(actor=world.users.liaison, enterprise=world.mill, liaison=None)


def test_create_accepts_the_liaison_at_once(world):
    enterprise = enterprise_create(
        actor=world.users.centre,
        name="盘锦辽河口物流有限公司",
        uscc=SPARE,
        industry=Industry.TRANSPORT,
        size=Size.SMALL,
        org_unit=world.t.street,
        liaison=world.users.leader,
    )
    assert Enterprise.objects.get(pk=enterprise.pk).liaison == world.users.leader
