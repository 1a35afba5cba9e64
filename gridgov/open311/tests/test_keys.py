"""Open311 client keys: created in the admin or by ``open311_apikey``, shown once, stored only
hashed, revocable, and no key for the platform API (nor a platform token for Open311)."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from gridgov.accounts.auth import token_digest
from gridgov.accounts.models import ApiToken, TokenPurpose


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser(username="admin", password="Admin-Pass-1"))
    return client


def test_the_command_creates_a_client_and_prints_its_key_once(db):
    out = StringIO()
    call_command("open311_apikey", "--name", "大连市数字城管", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    # then only the digest is stored, and the key belongs to a client that cannot sign in
    assert token.digest == token_digest(raw) and raw not in (token.digest, token.prefix)
    assert token.purpose == TokenPurpose.OPEN311 and token.expires_at is None
    assert token.user.full_name == "大连市数字城管" and not token.user.has_usable_password()
    with pytest.raises(CommandError):
        call_command("open311_apikey", "--name", "  ", stdout=StringIO(), stderr=StringIO())


def test_the_admin_creates_shows_once_and_revokes_a_key(admin_client, o311):
    # when an administrator adds an Open311 client key by name
    response = admin_client.post(
        reverse("admin:accounts_open311key_add"), {"name": "第三方随手拍"}, follow=True
    )
    raw = re.search(r"gg_[\w-]+", response.content.decode()).group(0)
    token = ApiToken.objects.get(name="第三方随手拍")
    assert token.purpose == TokenPurpose.OPEN311 and raw.startswith(token.prefix)
    # then the key files requests
    assert o311.report(api_key=raw).status == 201
    # and the Open311 list shows only Open311 keys, the API token list none of them
    assert (
        "第三方随手拍" in admin_client.get(reverse("admin:accounts_open311key_changelist")).content.decode()
    )
    assert (
        "第三方随手拍" not in admin_client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    )
    # when it is revoked, the key opens nothing
    admin_client.post(
        reverse("admin:accounts_open311key_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert o311.report(api_key=raw).status == 403


def test_an_open311_key_is_no_platform_api_token(client, key):
    response = client.get("/api/cases/", headers={"Authorization": f"Bearer {key[1]}"})
    assert response.status_code == 401
