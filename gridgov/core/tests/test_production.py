"""Production settings (DJANGO_ENV=production): `manage.py check --deploy` passes without a
warning, and every answer carries the security headers, a content security policy the pages
satisfy (no inline script or style attribute in any template) included."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "grid.example.cn",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    # what a test run sets for itself is not the installation's
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_a_warning_in_production():
    # given the production settings, when Django's deployment check runs
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    # then it finds nothing to warn about
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr and "no issues" in result.stdout


def test_check_deploy_warns_without_the_production_settings():
    # given the development settings (the check can fail: it warns about them)
    result = _manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_ENV="", DEBUG="1")
    # then the same check fails, naming HSTS and the insecure cookies
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


def test_production_refuses_to_start_without_a_secret_key_or_with_debug():
    # when production is asked for without a secret key, or with DEBUG on, then it will not start
    no_key = _manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": ""})
    debug = _manage("check", **{**PRODUCTION_ENV, "DEBUG": "1"})
    assert no_key.returncode != 0 and "SECRET_KEY must be set" in no_key.stderr
    assert debug.returncode != 0 and "DEBUG must be off" in debug.stderr


@pytest.mark.django_db
def test_every_answer_carries_the_security_headers(client):
    # when a page, the API and a static-like answer are fetched
    for url in ("/accounts/login/", "/api/openapi.json", "/manifest.webmanifest"):
        response = client.get(url)
        # then each has the policy, no sniffing, the referrer policy and no framing
        assert response["Content-Security-Policy"] == settings.GRIDGOV_CSP, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
    policy = dict(part.split(" ", 1) for part in settings.GRIDGOV_CSP.split("; "))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


INLINE = re.compile(
    r"<script(?![^>]*\b(?:src|type=\"application/json\")\b)[^>]*>|\son[a-z]+=\"|\sstyle=\"|javascript:"
)


def test_no_template_has_an_inline_script_handler_or_style_attribute():
    # given every template of the project
    offenders = []
    for path in sorted((ROOT / "gridgov").rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0).strip()}" for m in INLINE.finditer(text)]
    # then none holds what the policy would refuse (the browser tests see the rest at work)
    assert not offenders, offenders
