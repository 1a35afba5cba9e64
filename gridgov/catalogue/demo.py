"""Demo routing rules for the demo territory of ``gridgov.orgs.demo`` (loaded before this).

盘山县 (county level): public utilities, housing, city appearance and emergencies go to the
housing and construction bureau, roads to the transport bureau, street lights and power
lines to the grid company, hydrants and water mains to the water company, dirty waterways
to the water resources bureau, vagrants to the civil affairs bureau. 太平街道 (street level):
city appearance, roads, greenery, construction and street order go to the street's urban
management office, vagrants to its social affairs office; traffic lights stay with the
transport bureau. 铁西区: everything to the district's urban management bureau; 繁荣街道: its
urban management office. Re-runnable: every rule is an upsert.
"""

from gridgov.orgs.demo import FANRONG, PANSHAN, TAIPING, TIEXI
from gridgov.orgs.models import HandlingUnit, OrgUnit

from .models import Category, RoutingRule
from .services import routing_rule_set

ZHUJIAN = "盘山县住房和城乡建设局"
JIAOTONG = "盘山县交通运输局"
SHUILI = "盘山县水利局"
MINZHENG = "盘山县民政局"
GONGDIAN = "国网盘山县供电公司"
ZILAISHUI = "盘山县自来水公司"
TAIPING_CHENGGUAN = "太平街道城市管理办公室"
TAIPING_SHEHUI = "太平街道社会事务办公室"
FANRONG_CHENGGUAN = "繁荣街道城市管理办公室"
TIEXI_CHENGGUAN = "铁西区城市管理综合行政执法局"

# area path → [(category codes, handling unit name)]
RULES = {
    PANSHAN: [
        (["C01", "C03", "C04", "C05", "C06", "E01", "E02", "E03", "E04", "E05", "E06"], ZHUJIAN),
        (["C02", "E0304"], JIAOTONG),
        (["C0102", "C0104"], GONGDIAN),
        (["C0103", "E0404"], ZILAISHUI),
        (["E0106"], SHUILI),
        (["E0508"], MINZHENG),
    ],
    TAIPING: [
        (["C02", "C03", "C04", "E01", "E02", "E03", "E05", "E06"], TAIPING_CHENGGUAN),
        (["C0202"], JIAOTONG),
        (["E0508"], TAIPING_SHEHUI),
    ],
    TIEXI: [
        (
            ["C01", "C02", "C03", "C04", "C05", "C06", "E01", "E02", "E03", "E04", "E05", "E06"],
            TIEXI_CHENGGUAN,
        ),
    ],
    FANRONG: [
        (["C02", "C03", "C04", "E01", "E02", "E03", "E05"], FANRONG_CHENGGUAN),
    ],
}


def load_demo(out) -> None:
    areas = {u.path: u for u in OrgUnit.objects.filter(path__in=list(RULES))}
    units = {
        u.name: u
        for u in HandlingUnit.objects.filter(path__in=[PANSHAN, TAIPING, TIEXI, FANRONG]).select_related(
            "org_unit"
        )
    }
    categories = Category.objects.in_bulk(field_name="code")
    count = 0
    for path, rules in RULES.items():
        for codes, unit_name in rules:
            for code in codes:
                routing_rule_set(
                    category=categories[code],
                    area=areas[path],
                    handling_unit=units[unit_name],
                    note="演示数据",
                )
                count += 1
    out.write(f"Routing rules: {count} demo rules for 盘山县, 太平街道, 铁西区 and 繁荣街道.")


def demo_loaded() -> bool:
    return RoutingRule.objects.filter(area_path=TAIPING).exists()
