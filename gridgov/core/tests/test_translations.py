"""Chinese first: every message catalogue is fully translated and its compiled .mo is current."""

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("gridgov/*/locale/zh_Hans/LC_MESSAGES/django.po")
)


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, first msgstr, fuzzy) of each entry, obsolete ones left out."""
    result, current, fuzzy = [], None, False
    fields: dict[str, str] = {}
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if fields.get("msgid"):
                result.append((fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]", "")), fuzzy))
            fields, current, fuzzy = {}, None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            fields[current] += ast.literal_eval(line)
        else:
            current, _, value = line.partition(" ")
            fields[current] = ast.literal_eval(value)
    return result


def test_every_app_with_strings_has_a_catalogue():
    assert {p.parts[-5] for p in CATALOGUES} >= {
        "core",
        "accounts",
        "orgs",
        "geo",
        "catalogue",
        "cases",
        "open311",
        "enterprises",
        "insights",
    }


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_translated_and_compiled(po):
    rows = entries(po)
    assert rows
    untranslated = [msgid for msgid, msgstr, fuzzy in rows if not msgstr or fuzzy]
    assert untranslated == []
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr, _ in rows
        if compiled._catalog.get(msgid, compiled._catalog.get((msgid, 0))) != msgstr
    ]
    assert stale == [], "run `make messages` to recompile"
