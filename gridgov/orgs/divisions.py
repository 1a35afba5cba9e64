"""Reading China's statistical division codes shipped in ``data/divisions/`` (MIT, see LICENSE).

``123.json`` maps province → city → county; ``345-XXXX.json`` holds one city's counties,
streets/towns and communities/villages. Only reading happens here; ``services`` writes.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from gridgov.core.errors import ValidationFailed

from .models import PATH_LENGTH_LEVEL, Level, parent_path

DATA_DIR = Path(__file__).resolve().parent / "data" / "divisions"
CITY_CODE = re.compile(r"^\d{4}$")
# Placeholder entries the statistics carry for a city's urban districts as a whole.
PLACEHOLDER_NAMES = {"市辖区"}


@dataclass(frozen=True)
class Division:
    path: str
    name: str

    @property
    def level(self) -> Level:
        return PATH_LENGTH_LEVEL[len(self.path)]

    @property
    def parent_path(self) -> str | None:
        return parent_path(self.path)


def short_name(name: str) -> str:
    """The name people use: "张家村委会" → "张家村", "虹桥社区居民委员会" → "虹桥社区"."""
    for suffix, kind in (("村民委员会", "村"), ("居民委员会", "社区"), ("居委会", "社区"), ("村委会", "村")):
        if name.endswith(suffix):
            base = name[: -len(suffix)] if suffix != "村委会" else name[:-2]
            return base if base.endswith(kind) else base + kind
    return name


@cache
def _read(filename: str) -> dict[str, dict[str, str]]:
    with open(DATA_DIR / filename, encoding="utf-8") as handle:
        return json.load(handle)


def available_cities() -> list[str]:
    return sorted(p.stem.split("-", 1)[1] for p in DATA_DIR.glob("345-*.json"))


def validate_city_codes(codes: list[str]) -> None:
    """Every code must be a 4-digit city code whose data the platform ships."""
    known = set(available_cities())
    errors = []
    for code in codes:
        if not CITY_CODE.match(code):
            errors.append(_("“%(code)s” is not a city division code (4 digits, e.g. 2111).") % {"code": code})
        elif code not in known:
            errors.append(
                _("No division data for city code %(code)s; available: %(known)s.")
                % {"code": code, "known": ", ".join(sorted(known))}
            )
    if not codes:
        errors.append(_("Name at least one city division code."))
    if errors:
        raise ValidationFailed(_("Unknown or malformed division code."), fields={"city_codes": errors})


def city_divisions(code: str) -> list[Division]:
    """Province, city and every county, street/town and community/village of one city,
    parents before children."""
    cascade = _read("123.json")
    province = code[:2]
    rows = [
        Division(province, cascade["0"][province]),
        Division(code, cascade[province][code]),
    ]
    tree = _read(f"345-{code}.json")
    frontier = [code]
    while frontier:
        next_frontier = []
        for parent in frontier:
            for child, name in sorted(tree.get(parent, {}).items()):
                if child == parent or name in PLACEHOLDER_NAMES:
                    continue
                rows.append(Division(child, short_name(name)))
                if len(child) < 12:
                    next_frontier.append(child)
        frontier = next_frontier
    return rows
