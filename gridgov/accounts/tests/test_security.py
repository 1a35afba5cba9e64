"""Password hashing and rules, lockouts per client address, cookies, and the security settings'
defaults."""

import io
import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.contrib.auth.management.commands import createsuperuser
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts import services
from gridgov.accounts.models import LoginLockout
from gridgov.accounts.services import InvalidCredentials, login_code_verify, login_password_verify
from gridgov.core.errors import RateLimited

from .conftest import PASSWORD, PHONE, wrong

User = get_user_model()
LOGIN = "/accounts/login/"
SETTINGS_FILE = Path(__file__).resolve().parents[3] / "config" / "settings.py"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
# The user form's memberships inline, empty.
NO_INLINES = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}


def settings_with(monkeypatch, **environ) -> dict:
    """The settings module as it comes out of ``environ`` (every other variable it reads unset)."""
    for name in ("DEBUG", "SECRET_KEY", "DJANGO_ENV", "GRIDGOV_SECURE_COOKIES", "GRIDGOV_STAFF_TOTP"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.GRIDGOV_SMS_BACKEND = "log"
    settings.GRIDGOV_LOGIN_MAX_FAILURES = 3
    settings.GRIDGOV_LOGIN_IP_MAX_FAILURES = 4
    settings.GRIDGOV_LOGIN_LOCKOUT_SECONDS = 900
    settings.GRIDGOV_LOGIN_CODE_RESEND_SECONDS = 0


# --- Hashing ----------------------------------------------------------------------------------


def test_the_settings_hash_passwords_with_argon2_first(monkeypatch):
    # given the settings file as it is (the tests' own fixture swaps in a fast hasher)
    configured = settings_with(monkeypatch)["PASSWORD_HASHERS"]
    # then Argon2 comes first and older hashers stay, to check (and upgrade) older hashes
    assert configured[0] == ARGON2
    assert PBKDF2 in configured[1:]


def test_argon2_round_trip(settings):
    # given the configured hashers
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
    # when a password is hashed
    encoded = make_password(PASSWORD)
    # then it is an argon2id hash that checks the right password only
    assert encoded.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, encoded)
    assert not check_password("Not-The-Password-1", encoded)


def test_a_new_password_is_stored_as_argon2(settings, db):
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
    user = User.objects.create_user(username="wangli", password=PASSWORD)
    assert user.password.startswith("argon2$")
    assert get_hasher("default").algorithm == "argon2"


def test_a_pbkdf2_hash_is_upgraded_at_sign_in(settings, db):
    # given a user whose password was stored with PBKDF2 (before Argon2 came first)
    settings.PASSWORD_HASHERS = [PBKDF2]
    user = User.objects.create_user(username="wangli", password=PASSWORD)
    assert user.password.startswith("pbkdf2_sha256$")
    # when they sign in with Argon2 first
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
    assert login_password_verify(username="wangli", password=PASSWORD) == user
    # then the stored hash is Argon2 and still checks their password
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


# --- Password rules ----------------------------------------------------------------------------


def test_password_rules_are_in_force():
    names = [v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


def test_admin_refuses_a_weak_password_in_chinese(admin_client):
    # when an administrator creates a user with a short, common password
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "zhaoli",
            "full_name": "赵丽",
            "password1": "1234567",
            "password2": "1234567",
            **NO_INLINES,
        },
    )
    # then the form comes back with the rules' messages in Chinese, and no user is made
    html = response.content.decode()
    assert response.status_code == 200
    assert "密码长度太短" in html and "这个密码太常见了" in html and "密码只包含数字" in html
    assert not User.objects.filter(username="zhaoli").exists()


def test_admin_stores_a_good_password_as_argon2(admin_client, settings):
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "zhaoli", "password1": "Qiao-Men-2031", "password2": "Qiao-Men-2031", **NO_INLINES},
    )
    assert response.status_code == 302
    assert User.objects.get(username="zhaoli").password.startswith("argon2$")


def test_password_change_page_applies_the_rules(client, staff_user):
    # given a signed-in staff member on the password change page
    client.force_login(staff_user)
    page = reverse("accounts:password_change")
    assert client.get(page).status_code == 200
    # when a new password like their username is given
    response = client.post(
        page, {"old_password": PASSWORD, "new_password1": "wangli12", "new_password2": "wangli12"}
    )
    # then it is refused with the field message in Chinese
    assert response.status_code == 200
    assert "密码跟 用户名 太相似了" in response.content.decode()
    # and a good one is taken, keeping them signed in
    response = client.post(
        page, {"old_password": PASSWORD, "new_password1": "Qiao-Men-2031", "new_password2": "Qiao-Men-2031"}
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Qiao-Men-2031")
    assert client.get(reverse("accounts:inbox")).status_code == 200


def test_residents_have_no_password_to_change(client, db):
    resident = User.objects.create_user(username=f"r{PHONE}", phone=PHONE)
    client.force_login(resident)
    assert client.get(reverse("accounts:password_change")).status_code == 404


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_createsuperuser_refuses_a_weak_password(db, monkeypatch, settings):
    # given an operator at createsuperuser's prompts who first types a common password, refuses
    # to bypass the rules, then types a good one
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
    answers = iter(["root", "root@example.cn", "n"])
    passwords = iter(["password", "password", "Qiao-Men-2031", "Qiao-Men-2031"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr(createsuperuser.getpass, "getpass", lambda prompt="": next(passwords))
    errors = io.StringIO()
    # when the command runs
    call_command("createsuperuser", interactive=True, stdin=_Terminal(), stdout=io.StringIO(), stderr=errors)
    # then the common password was refused with the rule's message in Chinese
    assert "这个密码太常见了" in errors.getvalue()
    # and the superuser has the good one, as Argon2
    root = User.objects.get(username="root")
    assert root.is_superuser and root.check_password("Qiao-Men-2031")
    assert root.password.startswith("argon2$")


# --- Lockout per client address ---------------------------------------------------------------


def test_one_address_is_locked_after_failures_on_many_accounts(staff_user):
    # given wrong passwords for four different usernames from one address (three per account
    # would lock each; the address allows four)
    for name in ("a1", "a2", "a3", "a4"):
        with pytest.raises(InvalidCredentials):
            login_password_verify(username=name, password="wrong-password", ip="10.1.1.1")
    # when the right password of another account is given from that address
    with pytest.raises(RateLimited) as caught:
        login_password_verify(username="wangli", password=PASSWORD, ip="10.1.1.1")
    # then it is refused as too many attempts, with the wait
    assert 890 <= caught.value.retry_after <= 900
    assert LoginLockout.objects.get(identifier="ip:10.1.1.1").is_locked()
    # and the same account signs in from another address
    assert login_password_verify(username="wangli", password=PASSWORD, ip="10.1.1.2") == staff_user


def test_wrong_codes_count_against_the_address(send_code):
    # given wrong codes for four phone numbers from one address
    for n in range(4):
        phone = f"1390000000{n}"
        code = send_code(phone=phone, ip="10.2.2.2")
        with pytest.raises(InvalidCredentials):
            login_code_verify(phone=phone, code=wrong(code), ip="10.2.2.2")
    # when the right code of another number is given from there, then it waits for the lock
    code = send_code(phone=PHONE, ip="10.2.2.3")
    with pytest.raises(RateLimited):
        login_code_verify(phone=PHONE, code=code, ip="10.2.2.2")
    # and from another address it works
    assert login_code_verify(phone=PHONE, code=code, ip="10.2.2.3").phone == PHONE


def test_the_address_lock_ends_after_its_time(staff_user):
    # given a locked address
    for name in ("a1", "a2", "a3", "a4"):
        with pytest.raises(InvalidCredentials):
            login_password_verify(username=name, password="wrong-password", ip="10.1.1.1")
    # when its lock has run out (moved into the past by the lockout time)
    LoginLockout.objects.filter(identifier="ip:10.1.1.1").update(
        locked_until=timezone.now() - timedelta(seconds=1),
        last_failure_at=timezone.now() - timedelta(seconds=901),
    )
    # then the right password signs in from it
    assert login_password_verify(username="wangli", password=PASSWORD, ip="10.1.1.1") == staff_user


def test_a_sign_in_does_not_clear_the_address_count(staff_user):
    # given three failures from an address, then a successful sign-in from it
    for name in ("a1", "a2", "a3"):
        with pytest.raises(InvalidCredentials):
            login_password_verify(username=name, password="wrong-password", ip="10.1.1.1")
    login_password_verify(username="wangli", password=PASSWORD, ip="10.1.1.1")
    # then the address's count stands (an attacker's own account does not reset it)
    assert LoginLockout.objects.get(identifier="ip:10.1.1.1").failures == 3


def test_locked_address_on_the_page_is_429_with_a_message(client, staff_user):
    # given an address locked by failures on several accounts
    for name in ("a1", "a2", "a3", "a4"):
        client.post(LOGIN, {"action": "password", "username": name, "password": "wrong-password"})
    # when the right password is given on the page from it
    response = client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    # then 429, Retry-After, the message in Chinese
    assert response.status_code == 429
    assert 890 <= int(response["Retry-After"]) <= 900
    assert "失败次数过多，请稍后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_locked_phone_on_the_page_is_429(client, send_code):
    code = send_code()
    for _ in range(3):
        client.post(LOGIN, {"action": "code", "phone": PHONE, "code": wrong(code)})
    response = client.post(LOGIN, {"action": "code", "phone": PHONE, "code": code})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "失败次数过多，请稍后再试" in response.content.decode()


def test_lock_ends_on_the_service_clock(staff_user, monkeypatch):
    # given a locked username
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            login_password_verify(username="wangli", password="wrong-password")
    with pytest.raises(RateLimited):
        login_password_verify(username="wangli", password=PASSWORD)
    # when the services' clock is 901 seconds later
    later = timezone.now() + timedelta(seconds=901)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    # then the right password signs in
    assert login_password_verify(username="wangli", password=PASSWORD) == staff_user


# --- Cookies ------------------------------------------------------------------------------------


def test_session_cookie_is_httponly_and_lax(client, staff_user):
    response = client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_csrf_cookie_is_lax(client, db):
    response = client.get(LOGIN)
    assert response.cookies[django_settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"


def test_secure_cookies_in_production(monkeypatch, client, staff_user, settings):
    # given the settings of a production installation (DEBUG off, its own SECRET_KEY)
    production = settings_with(monkeypatch, SECRET_KEY="a-production-key")
    # then both cookies are Secure, HttpOnly for the session, SameSite=Lax
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"
    # and a sign-in under them sets a Secure session cookie
    settings.SESSION_COOKIE_SECURE = production["SESSION_COOKIE_SECURE"]
    response = client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["secure"] is True


def test_cookies_not_secure_in_development(monkeypatch):
    development = settings_with(monkeypatch, DEBUG="1")
    assert development["SESSION_COOKIE_SECURE"] is False
    # unless asked for (a development server behind HTTPS)
    assert settings_with(monkeypatch, DEBUG="1", GRIDGOV_SECURE_COOKIES="1")["SESSION_COOKIE_SECURE"] is True


# --- Two-factor default -----------------------------------------------------------------------


def test_two_factor_codes_are_required_in_production(monkeypatch):
    assert settings_with(monkeypatch, SECRET_KEY="a-production-key")["GRIDGOV_STAFF_TOTP"] == "required"
    # and optional for development and the demo (no SECRET_KEY of its own, or DEBUG on)
    assert settings_with(monkeypatch)["GRIDGOV_STAFF_TOTP"] == "optional"
    assert settings_with(monkeypatch, DEBUG="1", SECRET_KEY="k")["GRIDGOV_STAFF_TOTP"] == "optional"
    # and what the environment says wins
    assert settings_with(monkeypatch, GRIDGOV_STAFF_TOTP="off")["GRIDGOV_STAFF_TOTP"] == "off"
    with pytest.raises(RuntimeError):
        settings_with(monkeypatch, GRIDGOV_STAFF_TOTP="sometimes")
