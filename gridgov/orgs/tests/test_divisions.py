import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gridgov.core.errors import ValidationFailed
from gridgov.orgs.divisions import DATA_DIR, short_name
from gridgov.orgs.models import Level, OrgUnit
from gridgov.orgs.services import divisions_import


def expected_count(city: str) -> int:
    """Province + city + every non-placeholder entry below the city in the data file."""
    tree = json.loads((DATA_DIR / f"345-{city}.json").read_text(encoding="utf-8"))
    return 2 + sum(1 for children in tree.values() for name in children.values() if name != "市辖区")


def test_short_names_are_what_people_say():
    assert short_name("张家村委会") == "张家村"
    assert short_name("虹桥社区居民委员会") == "虹桥社区"
    assert short_name("南地社区居委会") == "南地社区"
    assert short_name("前三家峪村民委员会") == "前三家峪村"
    assert short_name("太平街道") == "太平街道"


@pytest.mark.django_db
def test_import_creates_the_whole_city_tree_with_parents():
    # When 盘锦市 is imported
    report = divisions_import(city_codes=["2111"])
    # Then every division of the file is a unit, linked to its parent by code
    assert OrgUnit.objects.count() == expected_count("2111") == report.total_created
    zhangjia = OrgUnit.objects.select_related("parent__parent").get(path="211122001211")
    assert (zhangjia.name, zhangjia.level) == ("张家村", Level.COMMUNITY)
    assert zhangjia.parent.name == "太平街道"
    assert zhangjia.parent.parent.name == "盘山县"
    assert not OrgUnit.objects.filter(name="市辖区").exists()
    assert OrgUnit.objects.get(path="21").parent is None


@pytest.mark.django_db
def test_second_import_changes_nothing(capsys):
    # Given 盘锦 and 鞍山 imported once
    call_command("import_divisions", "2111", "2103")
    before = dict(OrgUnit.objects.values_list("path", "updated_at"))
    capsys.readouterr()
    # When imported again
    call_command("import_divisions", "2111", "2103")
    # Then nothing was created or updated and the command says so
    out = capsys.readouterr().out
    assert "Created 0, updated 0" in out
    assert dict(OrgUnit.objects.values_list("path", "updated_at")) == before


@pytest.mark.django_db
def test_import_updates_a_renamed_unit():
    divisions_import(city_codes=["2111"])
    OrgUnit.objects.filter(path="211122001211").update(name="旧名")
    report = divisions_import(city_codes=["2111"])
    assert report.total_updated == 1 and report.total_created == 0
    assert OrgUnit.objects.get(path="211122001211").name == "张家村"


@pytest.mark.django_db
@pytest.mark.parametrize("codes", [["21x1"], ["2111", "9999"], ["211122"], []])
def test_bad_codes_import_nothing(codes):
    with pytest.raises(ValidationFailed) as err:
        divisions_import(city_codes=codes)
    assert err.value.fields["city_codes"]
    assert OrgUnit.objects.count() == 0


@pytest.mark.django_db
def test_command_reports_a_clear_error_and_imports_nothing():
    with pytest.raises(CommandError, match="9999"):
        call_command("import_divisions", "2111", "9999")
    assert OrgUnit.objects.count() == 0
