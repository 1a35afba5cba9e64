from functools import wraps

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from . import audit, pwa
from .errors import unavailable_from


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in zh-Hans unless the user chose another language (the language cookie set by
    the switch in the footer); the browser's Accept-Language is not consulted, so an official
    on an English-language machine still sees the platform in Chinese."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class SessionMarkMiddleware:
    """Every page says whose it is (``pwa.session_mark``), so the service worker drops the pages
    it kept for someone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and hasattr(request, "user"):
            response[pwa.SESSION_HEADER] = pwa.session_mark(request)
        return response


class AuditMiddleware:
    """Binds the request for the audit log (``audit.bound``: entries written while answering it
    take its user, IP address and path) and records every 403 answer, page or API, as a
    ``denied`` entry. After ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.bound(request):
            response = self.get_response(request)
        if response.status_code == 403:
            audit.record(audit.AuditAction.DENIED, request=request, detail={"method": request.method})
        return response


def inline_styles_allowed(view):
    """For a page drawing with a library that sets style attributes itself (ECharts on the big
    screen): the policy, with inline styles allowed; scripts stay the site's own."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = settings.GRIDGOV_CSP.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response

    return wrapped


class ContentSecurityPolicyMiddleware:
    """The content security policy (``GRIDGOV_CSP``) on every answer: pages run only the site's
    own script files; an injected ``<script>`` or ``onclick`` does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.GRIDGOV_CSP:
            response.setdefault("Content-Security-Policy", settings.GRIDGOV_CSP)
        return response


class DatabaseBusyMiddleware:
    """A page whose database write found the lock held beyond the busy timeout answers 503 with
    ``Retry-After`` and a translated message (``errors.Unavailable``), never a 500. The view's
    transaction was rolled back, so nothing was half-written; the phone's outbox and a reload
    send the same request (and client id) again. Last in ``MIDDLEWARE``, so it sees the view's
    exception first; what fails after the view (the session written on the way out) reaches
    ``core.views.server_error``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .views import unavailable_page

        unavailable = unavailable_from(exception)
        return None if unavailable is None else unavailable_page(request, unavailable)
