import pytest
from django.core.management import call_command

from gridgov.catalogue.models import Category, RoutingRule
from gridgov.catalogue.selectors import routing_suggest
from gridgov.orgs.demo import FANRONG, PANSHAN, TAIPING, ZHANGJIA
from gridgov.orgs.models import OrgUnit


def suggest(code: str, path: str) -> str | None:
    unit = routing_suggest(category=Category.objects.select_related("parent").get(code=code), path=path)
    return unit.name if unit else None


@pytest.mark.django_db
def test_demo_routes_the_demo_territory_and_is_rerunnable():
    # When the demo is loaded (orgs first, then the catalogue)
    call_command("load_demo")
    grid = OrgUnit.objects.filter(path__startswith=ZHANGJIA, level="grid2").order_by("path").first()
    other_street = OrgUnit.objects.filter(parent__path=PANSHAN, level="street").exclude(path=TAIPING).first()
    fanrong_grid = OrgUnit.objects.filter(path__startswith=FANRONG, level="grid3").first()
    # Then within 太平街道 city appearance, roads and street order go to its urban management office
    assert suggest("C0201", grid.path) == "太平街道城市管理办公室"
    assert suggest("E0501", grid.path) == "太平街道城市管理办公室"
    assert suggest("E0508", grid.path) == "太平街道社会事务办公室"
    # And street lights, water mains and traffic lights go to the county-level units
    assert suggest("C0102", grid.path) == "国网盘山县供电公司"
    assert suggest("E0404", grid.path) == "盘山县自来水公司"
    assert suggest("C0202", grid.path) == "盘山县交通运输局"
    # And elsewhere in 盘山县 roads are the transport bureau's, housing the construction bureau's
    assert suggest("C0201", other_street.path) == "盘山县交通运输局"
    assert suggest("C0501", other_street.path) == "盘山县住房和城乡建设局"
    # And within 繁荣街道 its own office, falling back to the district bureau
    assert suggest("E0101", fanrong_grid.path) == "繁荣街道城市管理办公室"
    assert suggest("E0401", fanrong_grid.path) == "铁西区城市管理综合行政执法局"
    # When loaded again nothing is added
    before = RoutingRule.objects.count()
    call_command("load_demo")
    assert RoutingRule.objects.count() == before
