"""API authentication: the browser session (with CSRF) or a bearer token."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from gridgov.core.errors import ValidationFailed

from .models import ApiToken, TokenPurpose, User


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, user: User, name: str, purpose: str = TokenPurpose.API, expires: bool = True, raw: str | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored. ``raw`` is only for
    demo installations, whose keys are published."""
    raw = raw or "gg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        purpose=purpose,
        digest=token_digest(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timedelta(days=settings.GRIDGOV_API_TOKEN_TTL_DAYS) if expires else None,
    )
    return token, raw


@transaction.atomic
def client_key_create(
    *, name: str, purpose: str = TokenPurpose.OPEN311, raw: str | None = None
) -> tuple[ApiToken, str]:
    """A client system (a 数字城管 system, a third-party app) and its key: the client is a user
    of its own, named ``name``, who cannot sign in; the key does not expire until revoked."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("Give the client a name.")]})
    user = User(username=f"{purpose}-{secrets.token_hex(6)}", full_name=name[:50])
    user.set_unusable_password()
    user.save()
    return api_token_create(user=user, name=name[:100], purpose=purpose, expires=False, raw=raw)


LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_find(raw: str | None, *, purpose: str) -> ApiToken | None:
    """The valid token of ``purpose`` whose value is ``raw``, with its user; records its use
    at most once a minute (a read must not turn into a write every time)."""
    if not raw:
        return None
    # Looked up by its unique digest alone; the other conditions are checked here (a simpler
    # query is measurably cheaper on every API request).
    found = next(iter(ApiToken.objects.select_related("user").filter(digest=token_digest(raw))), None)
    now = timezone.now()
    if found is None or found.purpose != purpose or not found.is_valid(now):
        return None
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = token_find(token, purpose=TokenPurpose.API)
        if found is None:
            return None
        request.user = found.user
        return found.user


class BrowserSessionAuth(SessionAuth):
    """The browser's session, CSRF-checked on writes. A request without a session cookie
    (a machine client with a bearer token) is not this scheme's business: it is passed on to
    the token instead of failing the CSRF check."""

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)


api_auth = [TokenAuth(), BrowserSessionAuth()]
