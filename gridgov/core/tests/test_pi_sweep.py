"""The personal-information sweep (ARCHITECTURE §6): every page and API operation of the
access-control table that answers a GET, requested by every role that is not privileged for the
scene's personal information, on the record in scope and on the other; no answer and no log
line holds an 18-digit ID number or an 11-digit mobile number in full.

The scene holds them on purpose: residents' phones, a report's contact phone and a 12345
caller's number, party members' ID numbers and phones, a linked household's phone, wishes'
beneficiaries' phones, enterprises' contacts.

Privileged, so not swept: the command centres (a centre sees the reporter's and the caller's
number of the cases it is responsible for in full, by design: it calls them back) and the
administrator. Everyone else sees these numbers masked (``138****5678``,
``211122********0014``); a full value is revealed only through the audited reveal endpoints,
which are POSTs and not part of a GET sweep.

Exceptions, each a user's own data shown to themself: ``OWN`` below.
"""

import io
import logging
import re
import zipfile

import pytest

from gridgov.orgs.models import Level, OrgUnit

from .access_table import scene  # noqa: F401  (the fixture)
from .scene import PHONE_OTHER_RESIDENT, PHONE_RESIDENT
from .test_access_table import TABLE

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

#: The roles swept: all but the command centres and the administrator.
SWEPT = (
    "anonymous",
    "resident",
    "other_resident",
    "grid_worker",
    "other_grid_worker",
    "unit",
    "leader",
    "member",
    "secretary",
)

#: (role, number): a user's own number, shown to themself. A resident's username is made of
#: their phone (``r13800138000``), and ``/api/orgs/me`` tells the caller who they are.
OWN = {
    ("resident", PHONE_RESIDENT),
    ("other_resident", PHONE_OTHER_RESIDENT),
}


def _texts(response) -> list[str]:
    """The readable text of an answer: the body, or the sheets of a workbook."""
    body = response.content_bytes
    if response.get("Content-Type", "").startswith("image/"):
        return []
    if body[:2] == b"PK":  # an .xlsx export
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return [book.read(n).decode() for n in book.namelist() if n.endswith(".xml")]
    return [body.decode("utf-8", errors="replace")]


def _get_rows():
    for key, rows in TABLE.items():
        for row in rows if isinstance(rows, tuple) else (rows,):
            if row.method == "get":
                yield key, row


def found(text: str, codes: frozenset = frozenset()) -> set[str]:
    """Full ID and mobile numbers in ``text``; ``codes``: 18-digit division codes (level-3
    grids), which are not ID numbers."""
    return {*ID_NUMBER.findall(text), *MOBILE.findall(text)} - codes


def test_the_patterns_find_full_numbers_and_not_masked_ones():
    # given full and masked numbers, and longer digit runs
    text = "电话13904271234 身份证21112219650312001X 138****5678 211122********0014 9913904271234"
    # then only the full ones are found
    assert found(text) == {"13904271234", "21112219650312001X"}


@pytest.mark.django_db
def test_no_answer_and_no_log_holds_a_full_id_or_mobile_number(scene, caplog):  # noqa: F811
    # given the scene's personal information, and every log record captured
    caplog.set_level(logging.DEBUG)
    codes = frozenset(OrgUnit.objects.filter(level=Level.GRID3).values_list("path", flat=True))
    leaks = []
    swept = 0
    for key, row in _get_rows():
        for which, url, _body, _expect in row.requests(scene.ids):
            for role in SWEPT:
                # when a non-privileged role requests the page or operation
                response = scene.clients.request(role, "get", url)
                swept += 1
                # then no full number is in the answer, but the role's own
                for text in _texts(response):
                    for number in found(text, codes) - {n for r, n in OWN if r == role}:
                        leaks.append(f"{key} {url} ({which}) as {role}: {number}")
    assert swept > 500
    assert not leaks, "full numbers in answers:\n" + "\n".join(sorted(set(leaks)))
    # and no full number was written to the log
    logged = [f"{r.name}: {n}" for r in caplog.records for n in found(r.getMessage(), codes)]
    assert not logged, "full numbers in the log:\n" + "\n".join(sorted(set(logged)))
