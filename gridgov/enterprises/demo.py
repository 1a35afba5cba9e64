"""Demo enterprises of 盘山县 太平街道 (loaded after the demo territory and users of
``gridgov.orgs.demo``): a rice mill, a river-crab cooperative, a logistics company, a builder,
a farm-machinery dealer and a family restaurant, registered by the county command centre
(``panshan``). Their unified social credit codes are made up, with check characters computed
by ``gridgov.core.validators.uscc_check_char``; the phones are in the demo range.

Liaison cadres (包保干部): ``panshan`` (county centre) for the rice mill, ``lingdao`` (county
leader) for the cooperative and ``zhujian`` (county housing and construction bureau, who sees
no enterprise by scope) for the builder. Re-runnable: every enterprise is an upsert by code.
"""

import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from gridgov.orgs.demo import TAIPING, ZHANGJIA
from gridgov.orgs.models import OrgUnit

from .models import Enterprise, Industry, Size
from .selectors import enterprise_by_uscc
from .services import enterprise_create, enterprise_liaison_set, enterprise_update

REGISTRAR = "panshan"
TAIPING_COMMUNITY = "211122001001"  # 太平社区
XIWU = "211122001002"  # 西五社区
CHANGJIA = "211122001212"  # 常家村


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    uscc: str
    industry: str
    size: str
    unit: str
    address: str
    contact_name: str
    contact_phone: str
    liaison: str | None = None


ENTERPRISES = [
    DemoEnterprise(
        "盘锦太平米业有限公司",
        "91211122MA0UB5LK20",
        Industry.MANUFACTURING,
        Size.MEDIUM,
        ZHANGJIA,
        "盘山县太平街道张家村村委会东500米",
        "刘建国",
        "13800138011",
        liaison="panshan",
    ),
    DemoEnterprise(
        "盘山县太平街道张家村河蟹养殖专业合作社",
        "93211122MA0Y7KJ61U",
        Industry.AGRICULTURE,
        Size.SMALL,
        ZHANGJIA,
        "盘山县太平街道张家村三组",
        "张玉芬",
        "13800138012",
        liaison="lingdao",
    ),
    DemoEnterprise(
        "盘锦辽河口物流有限公司",
        "91211122MA0TNH3W8L",
        Industry.TRANSPORT,
        Size.SMALL,
        TAIPING,
        "盘山县太平街道太平工业园区8号",
        "王志强",
        "13800138013",
    ),
    DemoEnterprise(
        "盘锦鑫达建筑工程有限公司",
        "91211100MA0QE2RB48",
        Industry.CONSTRUCTION,
        Size.MEDIUM,
        TAIPING_COMMUNITY,
        "盘山县太平街道太平社区兴太路16号",
        "赵丽娟",
        "13800138014",
        liaison="zhujian",
    ),
    DemoEnterprise(
        "盘锦瑞丰农机销售有限公司",
        "91211122MA10C6UP5L",
        Industry.TRADE,
        Size.SMALL,
        CHANGJIA,
        "盘山县太平街道常家村村口",
        "孙德福",
        "13800138015",
    ),
    DemoEnterprise(
        "盘山县太平街道稻香园饭店",
        "92211122MA0XW9DL7B",
        Industry.HOSPITALITY,
        Size.MICRO,
        XIWU,
        "盘山县太平街道西五社区商业街12号",
        "李红梅",
        "13800138016",
    ),
]


def demo_loaded() -> bool:
    return Enterprise.objects.filter(uscc=ENTERPRISES[0].uscc).exists()


def load_demo(out) -> None:
    User = get_user_model()
    actor = User.objects.get(username=REGISTRAR)
    units = {u.path: u for u in OrgUnit.objects.filter(path__in={e.unit for e in ENTERPRISES})}
    cadres = {u.username: u for u in User.objects.filter(username__in={e.liaison for e in ENTERPRISES})}
    created = 0
    for spec in ENTERPRISES:
        fields = {
            "name": spec.name,
            "uscc": spec.uscc,
            "industry": spec.industry,
            "size": spec.size,
            "org_unit": units[spec.unit],
            "address": spec.address,
            "contact_name": spec.contact_name,
            "contact_phone": spec.contact_phone,
        }
        enterprise = enterprise_by_uscc(spec.uscc)
        if enterprise is None:
            enterprise = enterprise_create(actor=actor, **fields)
            created += 1
        else:
            enterprise = enterprise_update(actor=actor, enterprise=enterprise, is_active=True, **fields)
        liaison = cadres.get(spec.liaison) if spec.liaison else None
        if enterprise.liaison_id != (liaison.pk if liaison else None):
            enterprise_liaison_set(actor=actor, enterprise=enterprise, liaison=liaison)
    demands = _demands()
    out.write(
        f"Enterprises: {len(ENTERPRISES)} in 太平街道 ({created} created); "
        f"the rice mill's account {MILL_ACCOUNT_PHONE} and {demands} demand(s)."
    )


#: The rice mill's own account (its contact person): signs in with a one-time code.
MILL_ACCOUNT_PHONE = "13800138011"
MILL_DEMAND_ID = uuid.UUID("5c1f0000-2026-4d11-9941-000000000002")


def _demands() -> int:
    """The rice mill's account, and a 用工 demand its liaison cadre filed for it (once)."""
    from gridgov.cases import services as case_services
    from gridgov.cases.models import Case, Channel
    from gridgov.catalogue.models import Category

    mill = enterprise_by_uscc(ENTERPRISES[0].uscc)
    User = get_user_model()
    owner, _created = User.objects.get_or_create(
        phone=MILL_ACCOUNT_PHONE, defaults={"username": f"r{MILL_ACCOUNT_PHONE}", "full_name": "刘建国"}
    )
    mill.accounts.add(owner)
    if Case.objects.filter(client_id=MILL_DEMAND_ID).exists() or mill.liaison is None:
        return 0
    case_services.case_report(
        actor=mill.liaison,
        channel=Channel.ENTERPRISE,
        enterprise=mill,
        category=Category.objects.get(code="D0102"),
        description="秋收季节需临时招用装卸、烘干工人30人，工期两个月，请帮助对接劳务资源。",
        client_id=MILL_DEMAND_ID,
    )
    return 1
