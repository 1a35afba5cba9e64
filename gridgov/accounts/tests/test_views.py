"""The sign-in page, sign-out, and the accounts admin."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.models import ApiToken, LoginCode, LoginLockout, SmsMessage

from .conftest import PASSWORD, PHONE, code_in_outbox, wrong

User = get_user_model()
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.GRIDGOV_SMS_BACKEND = "log"
    settings.GRIDGOV_LOGIN_MAX_FAILURES = 3
    settings.GRIDGOV_LOGIN_CODE_RESEND_SECONDS = 60


@pytest.fixture
def post_code(db, client, django_capture_on_commit_callbacks):
    """Press 获取验证码 (no JavaScript): the form posts with action=send_code."""

    def post(phone=PHONE, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(LOGIN, {"action": "send_code", "phone": phone, "code": "", **extra})

    return post


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_renders_in_chinese(client, db):
    # when the sign-in page is opened
    response = client.get(LOGIN)
    # then it is in Chinese, with both tabs, the send-code button and CSRF tokens
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    for text in (
        "登录",
        "工作人员登录",
        "群众登录",
        "获取验证码",
        "用户名",
        "密码",
        "手机号",
        "验证码",
        "智慧网格",
    ):
        assert text in html, text
    assert html.count("csrfmiddlewaretoken") >= 2
    assert 'name="viewport"' in html


def test_login_page_in_english_when_chosen(client, db):
    # when English is chosen with the footer's language switch
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    # then the page is in English
    html = client.get(LOGIN).content.decode()
    assert '<html lang="en">' in html
    assert "Staff sign-in" in html and "Resident sign-in" in html


def test_resident_tab_without_javascript(client, db):
    # when the resident tab link is followed, then the resident panel is the visible one
    html = client.get(LOGIN, {"tab": "resident"}).content.decode()
    assert re.search(r'id="panel-staff"[^>]*hidden', html)
    assert not re.search(r'id="panel-resident"[^>]*hidden', html)


# --- staff --------------------------------------------------------------------------------------


def test_staff_login_success(client, staff_user):
    response = client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)


def test_staff_login_follows_a_safe_next(client, staff_user):
    response = client.post(
        LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD, "next": "/orgs/"}
    )
    assert response["Location"] == "/orgs/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_staff_login_ignores_an_unsafe_next(client, staff_user, target):
    response = client.post(
        LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == "/"


def test_staff_login_failure_is_generic(client, staff_user):
    # when a wrong password and an unknown user are tried
    wrong_password = client.post(LOGIN, {"action": "password", "username": "wangli", "password": "nope-nope"})
    unknown = client.post(LOGIN, {"action": "password", "username": "ghost", "password": "nope-nope"})
    # then the page comes back with the same generic message, the username kept
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
    assert 'value="wangli"' in wrong_password.content.decode()
    assert not signed_in(client)


def test_staff_lockout_refuses_the_right_password(client, staff_user):
    # given three wrong passwords
    for _ in range(3):
        client.post(LOGIN, {"action": "password", "username": "wangli", "password": "nope-nope"})
    # when the right password is given
    response = client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    # then it is refused as too many attempts: 429, the wait, a message in Chinese
    assert response.status_code == 429
    assert 890 <= int(response["Retry-After"]) <= 900
    assert "失败次数过多，请稍后再试" in response.content.decode()
    assert not signed_in(client)


def test_empty_staff_form_shows_field_errors(client, db):
    response = client.post(LOGIN, {"action": "password"})
    assert response.status_code == 200
    assert "field-error" in response.content.decode()


def test_unknown_action_just_shows_the_page(client, db):
    assert client.post(LOGIN, {"action": "bogus"}).status_code == 200


def test_forms_need_csrf(db, staff_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    assert response.status_code == 403


# --- residents -------------------------------------------------------------------------------


def test_send_code_rerenders_with_phone_and_notice(post_code):
    # when 获取验证码 is pressed
    response = post_code(phone="138 1234 5678")
    # then the page comes back on the resident tab, phone kept, with a masked notice
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{PHONE}"' in html
    assert "验证码已发送至 138****5678，5分钟内有效。" in html
    assert 'data-countdown="60"' in html
    assert not re.search(r'id="panel-resident"[^>]*hidden', html)
    # and the SMS is in the outbox
    assert SmsMessage.objects.filter(phone=PHONE, text__contains=code_in_outbox()).exists()


def test_send_code_too_soon_is_429(post_code):
    post_code()
    response = post_code()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "秒后重新获取验证码" in response.content.decode()
    assert SmsMessage.objects.count() == 1


def test_send_code_invalid_phone_is_a_field_error(post_code):
    response = post_code(phone="12345")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入正确的11位手机号" in html
    assert 'value="12345"' in html
    assert not SmsMessage.objects.exists()


def test_code_login_creates_the_resident_once(client, post_code, settings):
    settings.GRIDGOV_LOGIN_CODE_RESEND_SECONDS = 0
    for _ in range(2):
        # when a resident asks for a code and signs in with it
        post_code()
        response = client.post(
            LOGIN, {"action": "code", "phone": PHONE, "code": code_in_outbox(), "next": "/"}
        )
        # then they are signed in
        assert response.status_code == 302 and response["Location"] == "/"
        assert signed_in(client)
        client.post(reverse("accounts:logout"))
    # and one resident account exists
    resident = User.objects.get(phone=PHONE)
    assert not resident.has_usable_password()


def test_wrong_code_is_generic_and_counted(client, post_code):
    post_code()
    response = client.post(LOGIN, {"action": "code", "phone": PHONE, "code": wrong(code_in_outbox())})
    html = response.content.decode()
    assert response.status_code == 200
    assert "手机号或验证码错误" in html
    assert f'value="{PHONE}"' in html
    assert LoginLockout.objects.get(identifier=PHONE).failures == 1
    assert not signed_in(client)


def test_expired_code_is_refused(client, post_code):
    post_code()
    LoginCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(LOGIN, {"action": "code", "phone": PHONE, "code": code_in_outbox()})
    assert "手机号或验证码错误" in response.content.decode()
    assert not signed_in(client)


# --- sign-out ------------------------------------------------------------------------------------


def test_logout_is_post_only(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert signed_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not signed_in(client)


# --- admin ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser(username="admin", password="Admin-Pass-1"))
    return client


def test_admin_lists_are_readable(admin_client, post_code):
    # given an SMS sent to a resident
    User.objects.create_user(username="r1", phone=PHONE, full_name="李明")
    post_code()
    # then each accounts list opens in Chinese
    for model in ("smsmessage", "logincode", "loginlockout", "user", "apitoken"):
        response = admin_client.get(reverse(f"admin:accounts_{model}_changelist"))
        assert response.status_code == 200, model
    outbox = admin_client.get(reverse("admin:accounts_smsmessage_changelist")).content.decode()
    assert code_in_outbox() in outbox and "短信发件箱" in outbox
    assert "138****5678" in admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    codes = admin_client.get(reverse("admin:accounts_logincode_change", args=[LoginCode.objects.get().pk]))
    assert LoginCode.objects.get().code_hash not in codes.content.decode()
    assert admin_client.get(reverse("admin:accounts_smsmessage_add")).status_code == 403


def test_admin_clears_lockouts(admin_client):
    LoginLockout.objects.create(
        identifier="wangli", failures=5, locked_until=timezone.now() + timedelta(minutes=5)
    )
    response = admin_client.post(
        reverse("admin:accounts_loginlockout_changelist"),
        {"action": "clear_lockouts", "_selected_action": [LoginLockout.objects.get().pk]},
    )
    assert response.status_code == 302
    assert not LoginLockout.objects.exists()


def test_admin_creates_an_api_token_shown_once(admin_client, staff_user):
    response = admin_client.post(
        reverse("admin:accounts_apitoken_add"), {"user": staff_user.pk, "name": "数字城管"}, follow=True
    )
    token = ApiToken.objects.get()
    assert response.status_code == 200
    raw = re.search(r"gg_[\w-]+", response.content.decode()).group(0)
    assert raw.startswith(token.prefix) and token.user == staff_user


@pytest.mark.django_db
def test_a_bearer_token_can_write_without_a_csrf_token(client):
    # given a user with an API token and no session
    from gridgov.accounts.auth import api_token_create

    user = get_user_model().objects.create_user(username="machine", password="Correct-Horse-7")
    _token, raw = api_token_create(user=user, name="script")
    csrf_client = Client(enforce_csrf_checks=True)
    # when it posts with the token only, then the token authenticates (no CSRF failure)
    response = csrf_client.post(
        "/api/accounts/notifications/read", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200
    # and a session without the CSRF token is still refused on a write
    csrf_client.force_login(user)
    assert csrf_client.post("/api/accounts/notifications/read").status_code == 403
