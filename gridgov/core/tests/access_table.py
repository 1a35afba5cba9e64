"""The machinery of the access-control table (``test_access_table``) and the personal-information
sweep (``test_pi_sweep``): the routes of the project, one signed-in client per role of the
scene, and one request made and undone.

Status words of the table, one per role of ``scene.ROLES``:

- a number: exactly that status;
- ``L``: a redirect to the sign-in page with ``?next=`` (a page that needs a signed-in user);
- ``A``: a redirect to the Django admin's sign-in page;
- ``ok``: the guard let the request through: any of 200, 201, 204, 302, 400, 409 (a write
  whose workflow may refuse it for its own reasons — the state, the body — is still allowed).
"""

import re
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from .scene import ROLES, build_scene

ALLOWED_WRITE = {200, 201, 204, 302, 400, 409}


@dataclass(frozen=True)
class Row:
    """One check of a route: ``url`` (``{name}`` filled from the scene's ids) requested with
    ``method`` by every role, expecting ``expect``; with ``other``, the same URL for the
    out-of-scope record (every ``{name}`` that has an ``{other_name}``) expecting ``other``.
    ``body``: a JSON body (API) or form data (pages, ``form=True``)."""

    url: str
    expect: str
    other: str | None = None
    method: str = "get"
    body: dict | None = None
    form: bool = False

    def requests(self, ids: dict) -> list[tuple[str, str, object, str]]:
        """(which, URL, body, expected statuses) for the in-scope record and, with ``other``,
        for the out-of-scope one."""
        out = [("in", fill(self.url, ids), fill(self.body, ids), self.expect)]
        if self.other is not None:
            others = {k: ids.get(f"other_{k}", v) for k, v in ids.items()}
            out.append(("other", fill(self.url, others), fill(self.body, others), self.other))
        return out


_NAME = re.compile(r"\{(\w+)\}")


def fill(value, ids: dict):
    """``value`` with every ``{name}`` replaced by the scene's id (a whole ``"{name}"`` by the id
    itself, a number staying a number), in strings, lists and dicts; a callable is called (a
    file to upload, today's date)."""
    if callable(value):
        return value()
    if isinstance(value, str):
        whole = _NAME.fullmatch(value)
        if whole:
            return ids[whole[1]]
        return _NAME.sub(lambda m: str(ids[m[1]]), value)
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


def statuses(text: str) -> list[str]:
    words = text.split()
    assert len(words) == len(ROLES), f"{text!r}: {len(words)} statuses for {len(ROLES)} roles"
    return words


def matches(word: str, response) -> bool:
    status = response.status_code
    if word == "L":
        return status == 302 and response["Location"].startswith("/accounts/login/?next=")
    if word == "A":
        return status == 302 and response["Location"].startswith("/admin/login/?next=")
    if word == "ok":
        return status in ALLOWED_WRITE
    return status == int(word)


# --- The routes of the project ------------------------------------------------------------------


def url_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(``namespace:name``, route) of every URL pattern, walking included resolvers."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from url_patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}:{p.name}" if namespace else p.name, prefix + str(p.pattern)


def api_operations() -> set[str]:
    """``METHOD /api/path/{param}`` of every operation of the platform API."""
    from config.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def api_route_as_openapi(route: str) -> str:
    """``api/cases/<number>`` -> ``/api/cases/{number}``."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


# --- Requests -------------------------------------------------------------------------------------


class Clients:
    """One client per role, signed in once; its cookies put back before every request (a
    sign-out in the table must not sign the next row out)."""

    def __init__(self, users: dict):
        self.clients = {}
        self.cookies = {}
        for role in ROLES:
            client = Client()
            if users[role] is not None:
                client.force_login(users[role])
            self.clients[role] = client
            self.cookies[role] = SimpleCookie(client.cookies.output(header="", sep="\n"))

    def request(self, role: str, method: str, url: str, body=None, form: bool = False, **extra):
        """One request as ``role``; whatever it writes is undone, and the cache emptied before it
        (rate limits, cached renderings)."""
        client = self.clients[role]
        client.cookies = SimpleCookie(self.cookies[role].output(header="", sep="\n"))
        cache.clear()
        with transaction.atomic():
            if method == "get":
                response = client.get(url, **extra)
            elif form:
                response = getattr(client, method)(url, body or {}, **extra)
            else:
                response = getattr(client, method)(url, body or {}, content_type="application/json", **extra)
            # Read a streamed body (a file) while the records behind it still exist.
            if getattr(response, "streaming", False):
                response.content_bytes = b"".join(response.streaming_content)
            else:
                response.content_bytes = response.content
            transaction.set_rollback(True)
        return response


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scene (``scene.py``) and a client per role, built once for the module in a
    transaction rolled back at its end; each test runs in a savepoint inside it."""
    settings = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        LANGUAGE_CODE="zh-hans",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        GRIDGOV_GEO_RECHECK_SECONDS=0,
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
    with django_db_blocker.unblock(), settings:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_scene()
            built.clients = Clients(built.users)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
