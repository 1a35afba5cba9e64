"""API authentication: the browser session (with CSRF) or a bearer token."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, User


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = "gg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=token_digest(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timedelta(days=settings.GRIDGOV_API_TOKEN_TTL_DAYS),
    )
    return token, raw


LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        now = timezone.now()
        # Looked up by its unique digest alone; the other conditions are checked here (a simpler
        # query is measurably cheaper on every API request).
        found = next(iter(ApiToken.objects.select_related("user").filter(digest=token_digest(token))), None)
        if (
            found is None
            or found.revoked_at is not None
            or (found.expires_at is not None and found.expires_at <= now)
            or not found.user.is_active
        ):
            return None
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            # Recorded at most once a minute: a read must not turn into a write every time.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
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
