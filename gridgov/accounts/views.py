"""Sign-in and sign-out pages, and the in-app inbox.

``/accounts/login/`` holds two tabs: staff (username + password) and residents (phone + SMS
code). Everything works without JavaScript: the tabs are links, and "get code" is a submit
button of the residents' form that re-renders the page with the phone kept and a notice.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.core.context_processors import unread_notifications
from gridgov.core.errors import DomainError, RateLimited
from gridgov.core.masking import mask_phone

from . import selectors, services
from .forms import CodeLoginForm, PasswordLoginForm
from .validators import normalize_mobile

PHONE_BACKEND = "gridgov.accounts.backends.PhoneCodeBackend"
TABS = ("staff", "resident")


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


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


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
                user = services.login_password_verify(request=request, **password_form.cleaned_data)
            except DomainError as error:
                _show_error(password_form, error)
                status = 429 if isinstance(error, RateLimited) else 200
            else:
                auth_login(request, user)
                return redirect(_safe_next(request))

    elif action == "send_code":
        tab = "resident"
        code_form = CodeLoginForm(request.POST, require_code=False)
        if code_form.is_valid():
            phone = code_form.cleaned_data["phone"]
            try:
                services.login_code_send(phone=phone, ip=_client_ip(request))
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
                _show_error(code_form, error)
                code_form.data = code_form.data.copy()
                code_form.data["code"] = ""  # a refused code is not shown again
            else:
                auth_login(request, user, backend=PHONE_BACKEND)
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
    if status == 429 and retry_after:
        response["Retry-After"] = str(retry_after)
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
