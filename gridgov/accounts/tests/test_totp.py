"""Two-factor codes (TOTP) for command-centre operators and administrators: enrolment, the
second sign-in step, the "required" mode, recovery by an administrator."""

import re
from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts import services
from gridgov.accounts.auth import api_token_create
from gridgov.accounts.models import LoginLockout, TotpDevice
from gridgov.core.errors import RateLimited
from gridgov.core.models import AuditAction, AuditEntry

from .conftest import PASSWORD, PHONE

User = get_user_model()
LOGIN = "/accounts/login/"
CODE_PAGE = "/accounts/login/code/"
ENROL = "/accounts/two-factor/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.GRIDGOV_LOGIN_MAX_FAILURES = 3
    settings.GRIDGOV_LOGIN_LOCKOUT_SECONDS = 900


@pytest.fixture
def operator(db):
    """A command-centre operator (a membership with Role.CENTRE_OPERATOR), not is_staff."""
    from gridgov.orgs.models import Role
    from gridgov.orgs.tests.factories import attach_units, make_territory, make_user

    t = make_territory()
    centre = attach_units(t)["centres"][t.street.path]
    user = make_user("taiping", role=Role.CENTRE_OPERATOR, target=centre, full_name="刘晓东")
    user.set_password(PASSWORD)
    user.save()
    return user


def enrolled(user) -> pyotp.TOTP:
    """``user`` with a confirmed device; its TOTP, to make codes with."""
    device = services.totp_enrol_start(actor=user)
    totp = pyotp.TOTP(device.secret)
    services.totp_enrol_confirm(actor=user, code=totp.now())
    return totp


def code_at(totp: pyotp.TOTP, steps: int) -> str:
    """The code ``steps`` time steps (30 s each) from now."""
    return totp.at(timezone.now() + timedelta(seconds=30 * steps))


def password_step(client, username="taiping", next_url=""):
    data = {"action": "password", "username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Who it is for --------------------------------------------------------------------------------


def test_it_is_for_centre_operators_and_administrators(operator, staff_user, settings):
    admin = User.objects.create_superuser(username="root", password=PASSWORD)
    desk = User.objects.create_user(username="clerk", password=PASSWORD, is_staff=True)
    assert services.totp_applies(operator) and services.totp_applies(admin) and services.totp_applies(desk)
    # not for other staff (a grid worker, a handling unit) or residents
    assert not services.totp_applies(staff_user)
    # and for nobody when it is off
    settings.GRIDGOV_STAFF_TOTP = "off"
    assert not services.totp_applies(operator)


# --- Enrolment ----------------------------------------------------------------------------------


def test_enrolment_shows_the_secret_until_confirmed_then_never(client, operator):
    # given a signed-in operator (optional mode) on the enrolment page
    client.force_login(operator)
    html = client.get(ENROL).content.decode()
    device = TotpDevice.objects.get(user=operator)
    # then the secret is shown as text, as an otpauth:// URI and as a QR code (inline SVG)
    assert " ".join(re.findall(".{1,4}", device.secret)) in html
    assert "otpauth://totp/" in html and f"secret={device.secret}" in html
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    # and opening the page again shows the same secret
    assert TotpDevice.objects.get(user=operator).secret == device.secret
    client.get(ENROL)
    assert TotpDevice.objects.get(user=operator).secret == device.secret
    # when a wrong code is given, then the field says so and nothing is confirmed
    totp = pyotp.TOTP(device.secret)
    response = client.post(ENROL, {"code": code_at(totp, 5)})
    assert "验证码不正确" in response.content.decode()
    assert TotpDevice.objects.get(user=operator).confirmed_at is None
    # when the app's current code is given
    response = client.post(ENROL, {"code": totp.now()})
    # then the device is confirmed and the secret never shown again
    assert response.status_code == 302
    assert TotpDevice.objects.get(user=operator).confirmed_at is not None
    html = client.get(ENROL).content.decode()
    assert device.secret not in html and "otpauth://" not in html
    assert "双因素认证已开启" in html
    # and the enrolment is in the audit log
    entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR)
    assert (entry.actor, entry.subject, entry.detail) == (
        operator,
        f"accounts.user:{operator.pk}",
        {"change": "enrolled"},
    )


def test_the_enrolment_page_is_not_for_others(client, staff_user):
    client.force_login(staff_user)  # a grid worker's kind of account
    assert client.get(ENROL).status_code == 404
    assert not TotpDevice.objects.exists()


# --- Signing in with a code ------------------------------------------------------------------


def test_password_then_code_then_home(client, operator):
    # given an operator with a confirmed device
    totp = enrolled(operator)
    # when the right password is given
    response = password_step(client, next_url="/cases/")
    # then they are not signed in yet, but asked for the code
    assert response.status_code == 302 and response["Location"].startswith(CODE_PAGE)
    assert not signed_in(client)
    page = client.get(response["Location"])
    assert page.status_code == 200 and "动态验证码" in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    # when the app's code (of the next time step) is given
    response = client.post(CODE_PAGE, {"code": code_at(totp, 1), "next": "/cases/"})
    # then they are signed in and sent where they were going
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert signed_in(client)
    assert client.session["gridgov_otp"] == "verified"


def test_a_wrong_code_is_refused_and_counted(client, operator):
    totp = enrolled(operator)
    password_step(client)
    # when a wrong code is given
    response = client.post(CODE_PAGE, {"code": code_at(totp, 10)})
    # then the page says so, nobody is signed in, and it counts towards the lockout
    assert response.status_code == 200
    assert "验证码错误" in response.content.decode()
    assert not signed_in(client)
    assert LoginLockout.objects.get(identifier="taiping").failures == 1


def test_a_code_is_accepted_once(operator):
    totp = enrolled(operator)
    code = code_at(totp, 1)
    assert services.login_totp_verify(user=operator, code=code) == operator
    with pytest.raises(services.InvalidCredentials):
        services.login_totp_verify(user=operator, code=code)


def test_wrong_codes_lock_the_account_even_for_the_right_password(client, operator):
    # given three wrong codes after the right password
    totp = enrolled(operator)
    password_step(client)
    for _ in range(3):
        client.post(CODE_PAGE, {"code": code_at(totp, 10)})
    # when the right code is given, then it is refused as too many attempts
    response = client.post(CODE_PAGE, {"code": code_at(totp, 1)})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "失败次数过多" in response.content.decode()
    assert not signed_in(client)
    # and the password step too is refused while the lock lasts
    assert password_step(Client()).status_code == 429


def test_the_right_password_does_not_clear_code_failures(operator):
    # given two wrong codes
    totp = enrolled(operator)
    for _ in range(2):
        with pytest.raises(services.InvalidCredentials):
            services.login_totp_verify(user=operator, code=code_at(totp, 10))
    # when the right password is given again (the first step)
    services.login_password_verify(username="taiping", password=PASSWORD)
    # then the failures stand: one more wrong code locks the account
    with pytest.raises(services.InvalidCredentials):
        services.login_totp_verify(user=operator, code=code_at(totp, 10))
    with pytest.raises(RateLimited):
        services.login_totp_verify(user=operator, code=code_at(totp, 1))


def test_the_code_page_without_a_password_goes_back_to_sign_in(client, operator):
    enrolled(operator)
    response = client.get(CODE_PAGE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.post(CODE_PAGE, {"code": "123456"})["Location"].startswith(LOGIN)


def test_the_wait_for_a_code_runs_out(client, operator):
    totp = enrolled(operator)
    password_step(client)
    session = client.session
    session["gridgov_totp_pending"]["at"] -= 301
    session.save()
    response = client.post(CODE_PAGE, {"code": code_at(totp, 1)})
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)


def test_staff_without_a_device_sign_in_with_the_password_when_optional(client, operator):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)


def test_operators_cannot_sign_in_with_a_phone_code(send_code, operator):
    operator.phone = PHONE
    operator.save()
    with pytest.raises(services.InvalidCredentials):
        services.login_code_verify(phone=PHONE, code=send_code())


def test_off_means_no_code_step(client, operator, settings):
    enrolled(operator)
    settings.GRIDGOV_STAFF_TOTP = "off"
    response = password_step(client)
    assert response["Location"] == "/" and signed_in(client)


# --- Required ----------------------------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.GRIDGOV_STAFF_TOTP = "required"


def test_required_sends_staff_to_enrol_before_anything_else(client, operator, required):
    # given an operator without a device who signs in with the password
    response = password_step(client, next_url="/cases/")
    assert signed_in(client)
    # when any page is opened, then they are sent to enrol first
    for path in ("/", "/cases/", "/accounts/inbox/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(ENROL), path
    # and the API answers 403 with its reason
    api = client.get("/api/accounts/notifications/unread")
    assert api.status_code == 403 and api.json()["code"] == "totp_enrolment_required"
    # when they enrol
    assert client.get(ENROL).status_code == 200
    totp = pyotp.TOTP(TotpDevice.objects.get(user=operator).secret)
    response = client.post(f"{ENROL}?next=/accounts/inbox/", {"code": totp.now(), "next": "/accounts/inbox/"})
    # then they go on where they were going, and every page opens
    assert response.status_code == 302 and response["Location"] == "/accounts/inbox/"
    assert client.get("/accounts/inbox/").status_code == 200
    assert client.get("/api/accounts/notifications/unread").status_code == 200


def test_required_with_a_device_is_password_then_code(client, operator, required):
    totp = enrolled(operator)
    response = password_step(client)
    assert response["Location"].startswith(CODE_PAGE)
    response = client.post(CODE_PAGE, {"code": code_at(totp, 1)})
    assert response["Location"] == "/"
    assert client.get("/accounts/inbox/").status_code == 200


def test_required_signs_out_a_session_without_its_code(client, operator, required):
    # given an operator with a device whose session has no code (signed in before it was required)
    enrolled(operator)
    client.force_login(operator)
    # when a page is opened, then they are signed out and asked to sign in again
    response = client.get("/accounts/inbox/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not signed_in(client)


def test_required_leaves_everyone_else_alone(client, staff_user, required, django_assert_num_queries):
    # given a grid worker's kind of account signed in
    client.force_login(staff_user)
    # then pages open, and once the session is marked exempt no query is spent on it
    assert client.get("/accounts/inbox/").status_code == 200
    assert client.session["gridgov_otp"] == "exempt"


def test_required_leaves_bearer_tokens_alone(operator, required):
    # given an operator without a device and an API token (issued by an administrator)
    _token, raw = api_token_create(user=operator, name="script")
    # then the token works: machine clients have no session and no second step
    response = Client().get("/api/accounts/notifications/unread", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


# --- Recovery -----------------------------------------------------------------------------------


def test_an_administrator_resets_a_device_in_the_admin(client, operator):
    # given an operator with a device, and an administrator
    enrolled(operator)
    admin = User.objects.create_superuser(username="root", password=PASSWORD)
    client.force_login(admin)
    # then the devices list shows who has one, never a secret
    device = TotpDevice.objects.get(user=operator)
    listing = client.get(reverse("admin:accounts_totpdevice_changelist")).content.decode()
    assert "刘晓东" in listing and device.secret not in listing
    # when the administrator resets it from the users list
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_totp_devices", "_selected_action": [operator.pk]},
    )
    # then it is gone: the operator signs in with the password and may enrol again
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=operator).exists()
    assert password_step(Client())["Location"] == "/"
    # and the reset is in the audit log, by the administrator, of the operator
    reset = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR, detail__change="reset").get()
    assert (reset.actor, reset.subject) == (admin, f"accounts.user:{operator.pk}")


def test_the_admin_signs_in_through_the_platform(client, db):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/accounts/user/"
