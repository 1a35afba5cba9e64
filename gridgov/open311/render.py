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
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


@dataclass(frozen=True)
class Many:
    """A list whose XML elements are named ``item`` inside their wrapper."""

    item: str
    items: list


def w3c(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value)
    return _XML_INVALID.sub("", str(value)).translate(_ESCAPES)


def _xml(name: str, value, out: list[str]) -> None:
    if value is None or value == "":
        out.append(f"<{name}/>")
    elif isinstance(value, Many):
        if not value.items:
            out.append(f"<{name}/>")
            return
        out.append(f"<{name}>")
        for item in value.items:
            _xml(value.item, item, out)
        out.append(f"</{name}>")
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        for key, child in value.items():
            _xml(key, child, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        for item in value:
            _xml(name, item, out)
    else:
        out.append(f"<{name}>{_scalar(value)}</{name}>")


def to_xml(root: str, body) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    if isinstance(body, Many) and not body.items:
        out.append(f"<{root}></{root}>")  # the root is there even when the list is empty
    else:
        _xml(root, body, out)
    return "".join(out).encode()


def _plain(value):
    if isinstance(value, Many):
        return [_plain(v) for v in value.items]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return w3c(value)
    return value


def to_json(body) -> bytes:
    return json.dumps(_plain(body), ensure_ascii=False, separators=(",", ":")).encode()


def respond(fmt: str, root: str, body, *, status: int = 200) -> HttpResponse:
    content = to_json(body) if fmt == "json" else to_xml(root, body)
    return HttpResponse(content, status=status, content_type=FORMATS.get(fmt, XML_CONTENT_TYPE))
