"""Reading Open311 parameters: an empty parameter is an absent one; lists are comma-separated;
datetimes are W3C with any offset, fractional seconds, or a bare date; multi-value attributes
come as ``attribute[CODE][]``. Every refusal names the parameter."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

# Control characters other than tab and line breaks: no text needs them, and a database may
# refuse them (PostgreSQL takes no NUL in text).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Open311Error(Exception):
    """An error in the spec's shape: ``<errors><error><code/><description/>``; one entry per
    problem, the code being the HTTP status."""

    def __init__(self, status: int, *descriptions: str, retry_after: int | None = None):
        self.status = status
        self.descriptions = [str(d) for d in descriptions] or [str(_("The request is invalid."))]
        self.retry_after = retry_after
        super().__init__("; ".join(self.descriptions))


def bad(name: str, message) -> Open311Error:
    return Open311Error(400, f"{name}: {message}")


@dataclass
class Params:
    """The parameters of one request: query string, then (for POST) the form body."""

    data: dict[str, list[str]]
    files: dict = field(default_factory=dict)

    @classmethod
    def of(cls, request) -> "Params":
        data: dict[str, list[str]] = {}
        sources = [request.GET] + ([request.POST] if request.method == "POST" else [])
        for source in sources:
            for key in source:
                values = [_CONTROL.sub("", v) for v in source.getlist(key)]
                values = [v for v in values if v.strip() != ""]
                if values:
                    data.setdefault(key, []).extend(values)
        files = request.FILES if request.method == "POST" else {}
        return cls(data=data, files=files)

    def get(self, name: str) -> str | None:
        values = self.data.get(name)
        return values[-1].strip() if values else None

    def text(self, name: str, max_length: int) -> str:
        value = self.get(name) or ""
        if len(value) > max_length:
            raise bad(name, _("At most %(n)d characters.") % {"n": max_length})
        return value

    def items(self, name: str) -> list[str]:
        """A comma-separated list (also given as repeated parameters)."""
        out: list[str] = []
        for value in self.data.get(name, []):
            out += [item.strip() for item in value.split(",") if item.strip()]
        return out

    def number(self, name: str, *, low: float, high: float) -> float | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            raise bad(name, _("Enter a number.")) from None
        if not low <= number <= high:
            raise bad(name, _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
        return number

    def whole(self, name: str, *, default: int, low: int, high: int) -> int:
        value = self.get(name)
        if value is None:
            return default
        if not re.fullmatch(r"\d{1,9}", value) or not low <= int(value) <= high:
            raise bad(name, _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high})
        return int(value)

    def flag(self, name: str) -> bool:
        return (self.get(name) or "").lower() in {"1", "true", "yes", "on"}

    def uuid(self, name: str) -> uuid.UUID | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            raise bad(name, _("Enter a valid UUID.")) from None

    def moment(self, name: str, *, end: bool = False, inclusive: bool = False) -> datetime | None:
        """A W3C datetime (any offset, fractional seconds) or a bare date, as the bound of a
        half-open range. A bare date is a day in the platform's time zone: its start, or for an
        ``end`` bound the start of the next day. An ``inclusive`` end datetime includes itself."""
        value = self.get(name)
        if value is None:
            return None
        moment = _parse_moment(value, end=end)
        if moment is None:
            raise bad(name, _("Enter a W3C date and time, e.g. 2026-11-27T08:00:00+08:00, or a date."))
        if end and inclusive and not _BARE_DATE.fullmatch(value):
            moment += timedelta(microseconds=1)
        return moment

    def attributes(self) -> tuple[dict, set[str]]:
        """``attribute[CODE]=v`` and ``attribute[CODE][]=v`` (repeatable): the answers by code
        (a list where ``[]`` was used) and the codes given as lists."""
        answers: dict = {}
        listed: set[str] = set()
        for key, values in self.data.items():
            match = re.fullmatch(r"attribute\[([^\[\]]+)\](\[\])?", key)
            if not match:
                continue
            code = match.group(1)
            if match.group(2) or len(values) > 1:
                listed.add(code)
                previous = answers.get(code)
                answers[code] = (previous if isinstance(previous, list) else []) + values
            elif code not in listed:
                answers[code] = values[0]
        return answers, listed


_BARE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_moment(value: str, *, end: bool) -> datetime | None:
    if _BARE_DATE.fullmatch(value):
        try:
            day = parse_date(value)
        except ValueError:
            return None
        if day is None:
            return None
        start = datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
        return start + timedelta(days=1) if end else start
    try:
        moment = parse_datetime(value.replace(" ", "+") if re.search(r"T.* \d{2}:?\d{2}$", value) else value)
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, ZoneInfo(settings.TIME_ZONE))
    return moment
