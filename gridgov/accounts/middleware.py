"""What a signed-in session must satisfy on every request: its timeouts, and (where two-factor
codes are required) a confirmed second factor for command-centre operators and administrators.

Both read and write only the session (no query in the common case), and write it rarely: the
last-seen time at most once a minute.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

# When the session signed in, and when it was last seen (seconds since the epoch).
STARTED = "gridgov_signed_in_at"
SEEN = "gridgov_seen_at"
SEEN_RESOLUTION = 60
# How the session's sign-in stands with two-factor codes: "verified" (a code was given),
# "exempt" (the user is not staff that codes are for); absent: password only.
OTP_MARK = "gridgov_otp"
OTP_VERIFIED = "verified"
OTP_EXEMPT = "exempt"


def now() -> float:
    """The middleware's clock."""
    return time.time()


def session_stamp(request) -> None:
    """A new sign-in starts both clocks (``user_logged_in``)."""
    stamp = int(now())
    request.session[STARTED] = stamp
    request.session[SEEN] = stamp


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _unauthenticated(request, message: str):
    """The API's 401 (the shape of ``config.api``'s), or the sign-in page with ``message``."""
    if _is_api(request):
        return JsonResponse({"code": "unauthenticated", "message": message, "fields": {}}, status=401)
    messages.warning(request, message)
    return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


def session_expired(session, at: float) -> str | None:
    """Why the signed-in ``session`` is over at ``at`` (``"idle"`` or ``"max"``), else ``None``."""
    idle = settings.GRIDGOV_SESSION_IDLE_MINUTES * 60
    most = settings.GRIDGOV_SESSION_MAX_HOURS * 3600
    started, seen = session.get(STARTED), session.get(SEEN)
    if most > 0 and started is not None and at - started > most:
        return "max"
    if idle > 0 and seen is not None and at - seen > idle:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """Signs out a session idle longer than ``GRIDGOV_SESSION_IDLE_MINUTES`` or signed in longer
    ago than ``GRIDGOV_SESSION_MAX_HOURS``: pages go to the sign-in page with a message, the
    API answers 401. Bearer tokens have no session and are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            at = now()
            reason = session_expired(session, at)
            if reason is not None:
                auth_logout(request)
                if reason == "idle":
                    message = _("You were signed out after a time without activity. Please sign in again.")
                else:
                    message = _("Your sign-in has expired. Please sign in again.")
                return _unauthenticated(request, message)
            if STARTED not in session:  # signed in before the timeouts were kept
                session[STARTED] = int(at)
            if session.get(SEEN) is None or at - session[SEEN] >= SEEN_RESOLUTION:
                session[SEEN] = int(at)
        return self.get_response(request)


def _enrolment_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:totp"),
        reverse("accounts:logout"),
        reverse("manifest"),
        reverse("service_worker"),
        reverse("offline"),
    )


class StaffTotpMiddleware:
    """Where two-factor codes are ``required``: a command-centre operator or administrator whose
    session has no second factor is sent to enrol before anything else (the API answers 403);
    one who has a device but signed in without it (before codes were required) is signed out.
    Sessions of everyone else are marked exempt once, so later requests cost nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            settings.GRIDGOV_STAFF_TOTP == "required"
            and session is not None
            and SESSION_KEY in session
            and session.get(OTP_MARK) not in (OTP_VERIFIED, OTP_EXEMPT)
        ):
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request):
        from . import selectors, services

        user = request.user
        if not user.is_authenticated or BACKEND_SESSION_KEY not in request.session:
            return None
        if not services.totp_applies(user):
            request.session[OTP_MARK] = OTP_EXEMPT
            return None
        if selectors.totp_device_confirmed(user) is not None:
            auth_logout(request)
            return _unauthenticated(request, _("Please sign in again with your two-factor code."))
        if request.path in _enrolment_paths() or request.path.startswith("/i18n/"):
            return None
        message = _("Set up two-factor authentication before you go on.")
        if _is_api(request):
            return JsonResponse(
                {"code": "totp_enrolment_required", "message": message, "fields": {}}, status=403
            )
        return redirect_to_login(request.get_full_path(), reverse("accounts:totp"))
