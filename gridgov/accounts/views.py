"""Sign-in and sign-out pages, two-factor codes for staff, the password change page, and the
in-app inbox.

``/accounts/login/`` holds two tabs: staff (username + password) and residents (phone + SMS
code). Everything works without JavaScript: the tabs are links, and "get code" is a submit
button of the residents' form that re-renders the page with the phone kept and a notice.
Staff with a confirmed two-factor device give a 6-digit code on a second page
(``/accounts/login/code/``) before they are signed in; ``/accounts/two-factor/`` enrols one.
"""

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.core.context_processors import unread_notifications
from gridgov.core.errors import DomainError, RateLimited
from gridgov.core.masking import mask_phone
from gridgov.core.ratelimit import client_ip

from . import selectors, services
from .forms import CodeLoginForm, PasswordLoginForm, TotpCodeForm
from .middleware import OTP_EXEMPT, OTP_MARK, OTP_VERIFIED
from .models import User
from .validators import normalize_mobile

PHONE_BACKEND = "gridgov.accounts.backends.PhoneCodeBackend"
TABS = ("staff", "resident")
# A password given for an account with a two-factor device waits this long for its code.
PENDING = "gridgov_totp_pending"
PENDING_SECONDS = 300


def _safe_next(request) -> str:
    """Where to go after signing in: ``next`` if it stays on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _show_error(form, error: DomainError) -> None:
    """Put a service's error on the form: field messages on their fields, else the form."""
    for name, field_messages in error.fields.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, str(message))
    if not error.fields:
        form.add_error(None, str(error.message))


def _sign_in(request, user, *, backend: str, verified: bool = False) -> None:
    """Sign ``user`` in, marking how the session stands with two-factor codes."""
    auth_login(request, user, backend=backend)
    if verified:
        request.session[OTP_MARK] = OTP_VERIFIED
    elif services.totp_mode() != "off" and not services.totp_applies(user):
        request.session[OTP_MARK] = OTP_EXEMPT


def _refused(form, error: DomainError) -> tuple[int, int]:
    """Show a service's refusal on ``form``; the status and ``Retry-After`` it answers with."""
    _show_error(form, error)
    if isinstance(error, RateLimited):
        return 429, error.retry_after
    return 200, 0


def _with_retry_after(response, status: int, retry_after: int):
    if status == 429 and retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@sensitive_post_parameters("password", "code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    action = request.POST.get("action", "") if request.method == "POST" else ""
    tab = request.GET.get("tab", "staff")
    password_form = PasswordLoginForm()
    code_form = CodeLoginForm()
    notice = ""
    retry_after = 0
    status = 200

    if action == "password":
        tab = "staff"
        password_form = PasswordLoginForm(request.POST)
        if password_form.is_valid():
            try:
                user = services.login_password_verify(
                    request=request, ip=client_ip(request), **password_form.cleaned_data
                )
            except DomainError as error:
                status, retry_after = _refused(password_form, error)
            else:
                if services.totp_step_needed(user):
                    request.session[PENDING] = {
                        "user": user.pk,
                        "backend": user.backend,
                        "at": int(time.time()),
                    }
                    target = reverse("accounts:login_totp")
                    next_url = _safe_next(request)
                    return redirect(f"{target}?{urlencode({'next': next_url})}")
                _sign_in(request, user, backend=user.backend)
                return redirect(_safe_next(request))

    elif action == "send_code":
        tab = "resident"
        code_form = CodeLoginForm(request.POST, require_code=False)
        if code_form.is_valid():
            phone = code_form.cleaned_data["phone"]
            try:
                services.login_code_send(phone=phone, ip=client_ip(request))
            except RateLimited as error:
                _show_error(code_form, error)
                status, retry_after = 429, error.retry_after
            except DomainError as error:
                _show_error(code_form, error)
            else:
                phone = normalize_mobile(phone)
                code_form = CodeLoginForm(initial={"phone": phone})
                retry_after = settings.GRIDGOV_LOGIN_CODE_RESEND_SECONDS
                notice = _("A code was sent to %(phone)s. It is valid for %(minutes)s minutes.") % {
                    "phone": mask_phone(phone),
                    "minutes": max(1, settings.GRIDGOV_LOGIN_CODE_TTL_SECONDS // 60),
                }

    elif action == "code":
        tab = "resident"
        code_form = CodeLoginForm(request.POST)
        if code_form.is_valid():
            try:
                # Through Django's authentication (PhoneCodeBackend), which signals a failure.
                user = authenticate(request, **code_form.cleaned_data)
                if user is None:
                    raise services.InvalidCredentials(services.CODE_FAILED)
            except DomainError as error:
                status, retry_after = _refused(code_form, error)
                code_form.data = code_form.data.copy()
                code_form.data["code"] = ""  # a refused code is not shown again
            else:
                _sign_in(request, user, backend=PHONE_BACKEND)
                return redirect(_safe_next(request))

    next_url = request.POST.get("next") or request.GET.get("next") or ""
    response = render(
        request,
        "accounts/login.html",
        {
            "tab": tab if tab in TABS else "staff",
            "password_form": password_form,
            "code_form": code_form,
            "notice": notice,
            "retry_after": retry_after,
            "next": next_url if url_has_allowed_host_and_scheme(next_url, {request.get_host()}) else "",
        },
        status=status,
    )
    return _with_retry_after(response, status, retry_after)


def _pending_user(request):
    """The user whose password was right and who owes a code, while the wait lasts."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is not None:
        user.backend = pending.get("backend") or settings.AUTHENTICATION_BACKENDS[0]
    return user


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_totp(request):
    """The second step of a staff sign-in: the 6-digit code of their authenticator app."""
    user = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        login_url = reverse("accounts:login")
        next_url = request.GET.get("next") or ""
        return redirect(f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url)
    form = TotpCodeForm(request.POST or None)
    status, retry_after = 200, 0
    if request.method == "POST" and form.is_valid():
        try:
            services.login_totp_verify(
                user=user, code=form.cleaned_data["code"], request=request, ip=client_ip(request)
            )
        except DomainError as error:
            status, retry_after = _refused(form, error)
            form.data = form.data.copy()
            form.data["code"] = ""
        else:
            request.session.pop(PENDING, None)
            _sign_in(request, user, backend=user.backend, verified=True)
            return redirect(_safe_next(request))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    response = render(
        request,
        "accounts/login_totp.html",
        {
            "form": form,
            "next": next_url if url_has_allowed_host_and_scheme(next_url, {request.get_host()}) else "",
        },
        status=status,
    )
    return _with_retry_after(response, status, retry_after)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def totp_enrol(request):
    """Set up two-factor authentication: the secret (as text, as an ``otpauth://`` URI and as a
    QR code) while the device is not confirmed, then a code from the app confirms it. Once
    confirmed the page only says so: the secret is never shown again."""
    user = request.user
    if not services.totp_applies(user):
        raise Http404()
    device = selectors.totp_device_of(user)
    if device is not None and device.is_confirmed:
        return render(request, "accounts/totp.html", {"device": device})
    device = services.totp_enrol_start(actor=user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enrol_confirm(actor=user, code=form.cleaned_data["code"])
        except DomainError as error:
            _show_error(form, error)
        else:
            request.session[OTP_MARK] = OTP_VERIFIED
            messages.success(
                request, _("Two-factor authentication is on. From now on you sign in with a code.")
            )
            return redirect(_safe_next(request))
    uri = services.totp_uri(device)
    secret = device.secret
    return render(
        request,
        "accounts/totp.html",
        {
            "device": device,
            "form": form,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "uri": uri,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code to scan")),
            "required": services.totp_mode() == "required",
            "next": request.GET.get("next", ""),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: the old one, then a new one the password rules accept."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_usable_password():
            raise Http404()  # residents sign in with codes and have no password to change
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- Inbox ------------------------------------------------------------------------------------

INBOX_PAGE_SIZE = 20


@login_required
def inbox(request):
    """The user's notifications, newest first (``?show=unread`` for the unread ones only)."""
    only_unread = request.GET.get("show") == "unread"
    page = Paginator(selectors.notifications_of(request.user, unread=only_unread), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/inbox.html",
        {
            "page": page,
            "rows": list(page.object_list),
            "only_unread": only_unread,
            "unread": unread_notifications(request.user),
            "query": "show=unread" if only_unread else "",
        },
    )


@require_POST
@login_required
def inbox_read(request, pk: int):
    """Mark one notification read; with ``open`` go on to what it is about."""
    notification = selectors.notifications_of(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404()
    services.notification_read(actor=request.user, notification_id=notification.pk)
    target = notification.url
    if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("accounts:inbox")


@require_POST
@login_required
def inbox_read_all(request):
    count = services.notifications_read_all(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(n)d message marked as read.", "%(n)d messages marked as read.", count) % {"n": count},
        )
    return redirect("accounts:inbox")
