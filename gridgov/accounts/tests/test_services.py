"""Sign-in services: password with lockout, SMS codes, resident accounts."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.utils import timezone

from gridgov.accounts import services
from gridgov.accounts.models import LoginCode, LoginLockout, SmsMessage, SmsStatus
from gridgov.accounts.services import (
    CODE_FAILED,
    PASSWORD_FAILED,
    InvalidCredentials,
    login_code_send,
    login_code_verify,
    login_lockout_clear,
    login_password_verify,
)
from gridgov.core.errors import RateLimited, ValidationFailed

from .conftest import PASSWORD, PHONE, wrong

User = get_user_model()


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.GRIDGOV_SMS_BACKEND = "log"
    settings.GRIDGOV_LOGIN_MAX_FAILURES = 3
    settings.GRIDGOV_LOGIN_LOCKOUT_SECONDS = 900
    settings.GRIDGOV_LOGIN_CODE_RESEND_SECONDS = 60
    settings.GRIDGOV_LOGIN_CODE_TTL_SECONDS = 300


def refused(fn, **kwargs) -> str:
    with pytest.raises(InvalidCredentials) as caught:
        fn(**kwargs)
    return str(caught.value.message)


# --- password -----------------------------------------------------------------------------------


def test_right_password_signs_in_and_forgets_earlier_failures(staff_user):
    # given one earlier failure
    refused(login_password_verify, username="wangli", password="nope")
    # when the right password is given
    user = login_password_verify(username="wangli", password=PASSWORD)
    # then the user is returned and the failure count is gone
    assert user == staff_user
    assert not LoginLockout.objects.filter(identifier="wangli").exists()


def test_wrong_password_and_unknown_user_get_the_same_message(staff_user):
    # when a known user gives a wrong password, and an unknown user any password
    known = refused(login_password_verify, username="wangli", password="wrong-password")
    unknown = refused(login_password_verify, username="nobody", password="wrong-password")
    # then both messages are the same, generic one
    assert known == unknown == str(PASSWORD_FAILED)
    assert LoginLockout.objects.get(identifier="wangli").failures == 1
    assert LoginLockout.objects.get(identifier="nobody").failures == 1


def test_lockout_after_max_failures_refuses_even_the_right_password(staff_user):
    # given as many wrong passwords as allowed
    for _ in range(3):
        refused(login_password_verify, username="wangli", password="wrong-password")
    # when the right password is given during the lockout
    with pytest.raises(RateLimited) as caught:
        login_password_verify(username="wangli", password=PASSWORD)
    # then it is refused as too many attempts, with the time left to wait
    assert str(caught.value.message) == str(services.LOCKED)
    assert 890 <= caught.value.retry_after <= 900
    lock = LoginLockout.objects.get(identifier="wangli")
    assert lock.is_locked()
    assert lock.locked_until > timezone.now() + timedelta(seconds=890)


def test_an_unknown_username_is_locked_like_a_known_one(db):
    # given as many wrong passwords for a username nobody has
    for _ in range(3):
        refused(login_password_verify, username="ghost", password="wrong-password")
    # then it is locked the same way (a lock says nothing about an account)
    with pytest.raises(RateLimited):
        login_password_verify(username="ghost", password="wrong-password")


def test_lock_runs_out(staff_user):
    # given a lock that has run out
    for _ in range(3):
        refused(login_password_verify, username="wangli", password="wrong-password")
    LoginLockout.objects.filter(identifier="wangli").update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    # when a wrong password is given again, then the count starts afresh (no new lock)
    refused(login_password_verify, username="wangli", password="wrong-password")
    lock = LoginLockout.objects.get(identifier="wangli")
    assert (lock.failures, lock.is_locked()) == (1, False)
    # and the right password works
    assert login_password_verify(username="wangli", password=PASSWORD) == staff_user


def test_inactive_user_is_refused_like_anyone(staff_user):
    staff_user.is_active = False
    staff_user.save()
    assert refused(login_password_verify, username="wangli", password=PASSWORD) == str(PASSWORD_FAILED)


def test_administrator_clears_a_lockout(staff_user):
    # given a locked username
    for _ in range(3):
        refused(login_password_verify, username="wangli", password="wrong-password")
    # when an administrator clears it
    admin = User.objects.create_superuser(username="admin", password="Admin-Pass-1")
    cleared = login_lockout_clear(actor=admin, lockouts=LoginLockout.objects.all())
    # then the right password works at once
    assert cleared == 1
    assert login_password_verify(username="wangli", password=PASSWORD) == staff_user


# --- sending codes --------------------------------------------------------------------------------


def test_sending_a_code_puts_the_sms_in_the_outbox(send_code, caplog):
    # when a code is asked for
    with caplog.at_level(logging.INFO, logger="gridgov.sms"):
        code = send_code()
    # then the outbox holds the sent SMS with the code, in Chinese
    message = SmsMessage.objects.get(phone=PHONE)
    assert message.status == SmsStatus.SENT and message.backend == "log" and message.sent_at is not None
    assert message.text == f"【智慧网格】您的登录验证码是{code}，5分钟内有效。"
    # and the log shows it with the phone masked
    assert f"138****5678: 【智慧网格】您的登录验证码是{code}" in caplog.text
    assert PHONE not in caplog.text
    # and only a hash of the code is stored
    login_code = LoginCode.objects.get(phone=PHONE)
    assert code not in login_code.code_hash and len(login_code.code_hash) == 64
    assert login_code.expires_at == pytest.approx(
        login_code.created_at + timedelta(seconds=300), abs=timedelta(seconds=1)
    )


def test_no_sms_before_the_transaction_commits(db, django_capture_on_commit_callbacks):
    # when a code is asked for but the transaction has not committed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        login_code_send(phone=PHONE, ip=None)
    # then the message waits in the outbox, and is sent by the commit callback
    assert SmsMessage.objects.get().status == SmsStatus.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    assert SmsMessage.objects.get().status == SmsStatus.SENT


def test_phone_is_normalised(send_code):
    send_code(phone="+86 138-1234-5678")
    assert LoginCode.objects.get().phone == PHONE


@pytest.mark.parametrize("phone", ["", "12812345678", "1381234567", "138123456789", "abc", "23812345678"])
def test_invalid_phone_is_a_field_error(db, phone):
    with pytest.raises(ValidationFailed) as caught:
        login_code_send(phone=phone, ip=None)
    assert list(caught.value.fields) == ["phone"]
    assert not SmsMessage.objects.exists()


def test_resend_too_soon_is_rate_limited(send_code):
    # given a code sent just now
    send_code()
    # when another is asked for at once
    with pytest.raises(RateLimited) as caught:
        login_code_send(phone=PHONE, ip="127.0.0.1")
    # then the wait is told
    assert 55 <= caught.value.retry_after <= 60
    assert SmsMessage.objects.count() == 1


def test_resend_after_the_wait(send_code):
    first = send_code()
    LoginCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    second = send_code()
    assert SmsMessage.objects.count() == 2
    # and only the newest code is valid
    if first != second:
        assert refused(login_code_verify, phone=PHONE, code=first) == str(CODE_FAILED)
    assert login_code_verify(phone=PHONE, code=second).phone == PHONE


def test_one_address_may_not_ask_for_codes_without_end(send_code, settings):
    # given an address allowed two codes an hour, which asked for two
    settings.GRIDGOV_LOGIN_CODES_PER_IP_HOUR = 2
    send_code(phone="13800000001")
    send_code(phone="13800000002")
    # when it asks for a third, for yet another number, then it is refused for the hour
    with pytest.raises(RateLimited) as caught:
        login_code_send(phone="13800000003", ip="127.0.0.1")
    assert caught.value.retry_after == 3600
    # and another address is not concerned
    send_code(phone="13800000003", ip="10.0.0.9")
    # and an hour later the first address may ask again
    LoginCode.objects.filter(ip="127.0.0.1").update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    send_code(phone="13800000004")


def test_one_phone_gets_a_few_codes_an_hour(send_code, settings):
    # given a number sent as many codes as it may have in an hour, from different addresses
    settings.GRIDGOV_LOGIN_CODES_PER_PHONE_HOUR = 3
    now = timezone.now()
    for minutes_ago, ip in ((50, "10.0.0.1"), (30, "10.0.0.2"), (10, "10.0.0.3")):
        send_code(ip=ip)
        LoginCode.objects.filter(ip=ip).update(created_at=now - timedelta(minutes=minutes_ago))
    # when another is asked for, from yet another address, after the resend wait
    with pytest.raises(RateLimited) as caught:
        login_code_send(phone=PHONE, ip="10.0.0.4")
    # then it is refused until the oldest of them is an hour old (in 10 minutes)
    assert "发送到该号码的验证码过多" in str(caught.value.message)
    assert 595 <= caught.value.retry_after <= 601
    assert SmsMessage.objects.count() == 3
    # and once it is, a code goes
    LoginCode.objects.filter(ip="10.0.0.1").update(created_at=now - timedelta(minutes=61))
    send_code(ip="10.0.0.4")
    assert SmsMessage.objects.count() == 4


# --- verifying codes --------------------------------------------------------------------------


def test_first_sign_in_creates_the_resident_once(send_code, settings):
    settings.GRIDGOV_LOGIN_CODE_RESEND_SECONDS = 0
    # when an unknown phone signs in with its code
    user = login_code_verify(phone=PHONE, code=send_code())
    # then a resident account exists for it
    assert (user.username, user.phone, user.has_usable_password(), user.is_staff) == (
        f"r{PHONE}",
        PHONE,
        False,
        False,
    )
    # and signing in again finds the same account
    again = login_code_verify(phone=PHONE, code=send_code())
    assert again.pk == user.pk
    assert User.objects.filter(phone=PHONE).count() == 1


def test_resident_username_avoids_a_taken_username(send_code):
    User.objects.create_user(username=f"r{PHONE}", password=PASSWORD)  # a staff account named like that
    user = login_code_verify(phone=PHONE, code=send_code())
    assert (user.username, user.phone) == (f"r{PHONE}-2", PHONE)


def test_a_code_works_once(send_code):
    code = send_code()
    login_code_verify(phone=PHONE, code=code)
    assert refused(login_code_verify, phone=PHONE, code=code) == str(CODE_FAILED)


def test_wrong_code_is_counted(send_code):
    # given a code sent
    code = send_code()
    # when a wrong code is given
    message = refused(login_code_verify, phone=PHONE, code=wrong(code))
    # then the generic message, and the failure counted on the phone and the code
    assert message == str(CODE_FAILED)
    assert LoginLockout.objects.get(identifier=PHONE).failures == 1
    assert LoginCode.objects.get().attempts == 1
    # and the right code still works
    assert login_code_verify(phone=PHONE, code=code).phone == PHONE


def test_expired_code_is_refused(send_code):
    code = send_code()
    LoginCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert refused(login_code_verify, phone=PHONE, code=code) == str(CODE_FAILED)
    assert not User.objects.filter(phone=PHONE).exists()


def test_wrong_codes_lock_the_phone(send_code):
    # given as many wrong codes as allowed
    code = send_code()
    for _ in range(3):
        refused(login_code_verify, phone=PHONE, code=wrong(code))
    # when the right code is given, then it is refused as too many attempts
    with pytest.raises(RateLimited) as caught:
        login_code_verify(phone=PHONE, code=code)
    assert 890 <= caught.value.retry_after <= 900
    # and no new code is sent while the phone is locked
    LoginCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    with pytest.raises(RateLimited):
        login_code_send(phone=PHONE, ip=None)


def test_code_for_unknown_phone_and_no_code_at_all_look_the_same(db):
    assert refused(login_code_verify, phone=PHONE, code="123456") == str(CODE_FAILED)
    assert refused(login_code_verify, phone="not a phone", code="123456") == str(CODE_FAILED)
    assert refused(login_code_verify, phone=PHONE, code="12ab") == str(CODE_FAILED)


def test_admin_site_accounts_cannot_sign_in_with_a_code(send_code):
    User.objects.create_user(username="admin", password=PASSWORD, phone=PHONE, is_staff=True)
    assert refused(login_code_verify, phone=PHONE, code=send_code()) == str(CODE_FAILED)


def test_phone_code_backend(send_code, rf):
    # when Django authenticates with phone + code
    code = send_code()
    user = authenticate(rf.post("/"), phone=PHONE, code=code)
    # then the backend returns the resident, and None for a used code
    assert user is not None and user.phone == PHONE
    assert authenticate(rf.post("/"), phone=PHONE, code=code) is None
