"""Open311 tests run in the case loop's small world (张家村, its grids, centre and units) with
one Open311 client and its key, and read answers in either format."""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from gridgov.accounts.auth import client_key_create
from gridgov.accounts.models import TokenPurpose
from gridgov.cases.tests.conftest import IN_GRID, NOWHERE, jpeg, world  # noqa: F401
from gridgov.catalogue.models import Category

BASE = "/open311/v2/"


@dataclass
class Answer:
    status: int
    body: object  # parsed JSON, or the XML root element
    response: object

    @property
    def errors(self) -> list[str]:
        if isinstance(self.body, list):
            return [e["description"] for e in self.body]
        return [e.findtext("description") for e in self.body.findall("error")]


class Open311:
    """A client of the Open311 endpoint, through Django's test client."""

    def __init__(self, client, key: str):
        self.client, self.key = client, key

    @staticmethod
    def _answer(response) -> Answer:
        kind = response.get("Content-Type", "")
        if "json" in kind:
            body = json.loads(response.content)
        elif "xml" in kind:
            body = ET.fromstring(response.content)
        else:
            body = response
        return Answer(response.status_code, body, response)

    def get(self, path: str, fmt: str = "json", **params) -> Answer:
        return self._answer(self.client.get(f"{BASE}{path}.{fmt}", params))

    def post(self, path: str, fmt: str = "json", *, key: bool | str = True, **data) -> Answer:
        if key is True:
            data.setdefault("api_key", self.key)
        elif key:
            data["api_key"] = key
        return self._answer(self.client.post(f"{BASE}{path}.{fmt}", data))

    def report(self, fmt: str = "json", **data) -> Answer:
        """A located pavement report, with what ``data`` changes."""
        lon, lat = IN_GRID
        fields = {
            "service_code": "C0201",
            "lat": lat,
            "long": lon,
            "description": "村委会门前人行道彩砖破损",
            "attribute[area_m2]": "2",
            "attribute[blocks_traffic]": "true",
        }
        fields.update(data)
        return self.post("requests", fmt, **{k: v for k, v in fields.items() if v is not None})


@pytest.fixture
def key(db):
    return client_key_create(name="盘锦市数字城管", purpose=TokenPurpose.OPEN311)


@pytest.fixture
def o311(client, world, key):  # noqa: F811 (the imported fixture)
    return Open311(client, key[1])


@pytest.fixture
def all_types(reference_data):
    """A category asking one question of each kind (the six Open311 datatypes)."""
    major = Category.objects.get(code="C02")
    return Category.objects.create(
        code="C0299",
        kind=major.kind,
        name="测试类别",
        parent=major,
        keywords="测试",
        questions=[
            {"key": "pole", "label": "杆号", "type": "text", "required": False},
            {"key": "detail", "label": "详细情况", "type": "longtext", "required": False},
            {"key": "count", "label": "数量", "type": "number", "required": True},
            {"key": "seen_at", "label": "发现时间", "type": "datetime", "required": False},
            {"key": "kind", "label": "类型", "type": "choice", "choices": ["甲", "乙"], "required": True},
            {"key": "waste", "label": "垃圾种类", "type": "multichoice", "choices": ["生活垃圾", "建筑垃圾"]},
            {"key": "urgent", "label": "是否紧急", "type": "yesno", "required": False},
        ],
    )
