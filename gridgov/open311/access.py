"""Who calls: an Open311 client is known by its ``api_key`` (from the query string or the
body), a key of purpose ``open311`` (``accounts.ApiToken``). Each key has its own rate limit."""

from django.conf import settings
from django.utils.translation import gettext as _

from gridgov.accounts.auth import token_find
from gridgov.accounts.models import TokenPurpose, User
from gridgov.cases.access import OPEN311_KEY_ATTRIBUTE
from gridgov.core.ratelimit import rate_limit_hit

from .params import Open311Error, Params


def client_get(params: Params, *, required: bool) -> User | None:
    """The client the request's ``api_key`` belongs to, marked as acting for it; ``None`` when
    no key is given and none is ``required``. A wrong or revoked key is a 403; a key over its
    rate limit a 429."""
    raw = params.get("api_key")
    if raw is None and not required:
        return None
    token = token_find(raw, purpose=TokenPurpose.OPEN311)
    if token is None:
        raise Open311Error(403, _("api_key: missing, unknown or revoked."))
    wait = rate_limit_hit(f"open311:{token.pk}", limit=settings.GRIDGOV_OPEN311_RATE_LIMIT, window=60)
    if wait is not None:
        raise Open311Error(
            429, _("Too many requests with this api_key. Please try again later."), retry_after=wait
        )
    user = token.user
    setattr(user, OPEN311_KEY_ATTRIBUTE, token)
    return user
