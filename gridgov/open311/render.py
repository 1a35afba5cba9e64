"""One response, two formats: the spec's XML and JSON from the same ordered structure.

A response is a ``dict`` (one object: discovery, a service definition) or a ``Many`` (a list:
services, requests, errors) under a root element name. Inside, a ``dict`` becomes child
elements in its key order, a ``Many`` a wrapper element around one element per item, a plain
``list`` of scalars repeated elements, ``None`` an empty element (JSON ``null``), a datetime
the W3C form in UTC (``2026-11-27T08:06:44Z``) and a bool ``true``/``false``.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpResponse

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
FORMATS = {"xml": XML_CONTENT_TYPE, "json": JSON_CONTENT_TYPE}

# Characters XML 1.0 cannot carry at all; a description may contain them (pasted text).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What a text needs done before it goes into XML (most need nothing).
_XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Many:
    """A list whose XML elements are named ``item`` inside their wrapper."""

    item: str
    items: list


def w3c(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _text(value: str) -> str:
    if not _XML_SPECIAL.search(value):
        return value
    value = _XML_INVALID.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml(name: str, value, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(f"<{name}>{_text(value)}</{name}>" if value else f"<{name}/>")
    elif value is None:
        out.append(f"<{name}/>")
    elif kind is dict:
        out.append(f"<{name}>")
        for key, child in value.items():
            _xml(key, child, out)
        out.append(f"</{name}>")
    elif kind is Many:
        if not value.items:
            out.append(f"<{name}/>")
            return
        out.append(f"<{name}>")
        for item in value.items:
            _xml(value.item, item, out)
        out.append(f"</{name}>")
    elif kind is list:
        for item in value:
            _xml(name, item, out)
    elif kind is bool:
        out.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    elif isinstance(value, datetime):
        out.append(f"<{name}>{w3c(value)}</{name}>")
    else:
        out.append(f"<{name}>{_text(str(value))}</{name}>")


def to_xml(root: str, body) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    if isinstance(body, Many) and not body.items:
        out.append(f"<{root}></{root}>")  # the root is there even when the list is empty
    else:
        _xml(root, body, out)
    return "".join(out).encode()


def _json_default(value):
    if isinstance(value, Many):
        return value.items
    if isinstance(value, datetime):
        return w3c(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json(body) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode()


def respond(fmt: str, root: str, body, *, status: int = 200) -> HttpResponse:
    content = to_json(body) if fmt == "json" else to_xml(root, body)
    return HttpResponse(content, status=status, content_type=FORMATS.get(fmt, XML_CONTENT_TYPE))
