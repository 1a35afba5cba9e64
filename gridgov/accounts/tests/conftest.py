import re

import pytest
from django.contrib.auth import get_user_model

from gridgov.accounts.models import SmsMessage
from gridgov.accounts.validators import normalize_mobile

PASSWORD = "Grid-Worker-2024"
PHONE = "13812345678"


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(username="wangli", password=PASSWORD, full_name="王丽")


@pytest.fixture
def send_code(db, django_capture_on_commit_callbacks):
    """Ask for a code through the service, run the commit callbacks (the SMS delivery) and
    return the code as the resident would read it in the SMS."""
    from gridgov.accounts.services import login_code_send

    def send(phone=PHONE, ip="127.0.0.1"):
        with django_capture_on_commit_callbacks(execute=True):
            login_code_send(phone=phone, ip=ip)
        return code_in_outbox(phone)

    return send


def code_in_outbox(phone=PHONE) -> str:
    message = SmsMessage.objects.filter(phone=normalize_mobile(phone)).order_by("-pk").first()
    assert message is not None, "no SMS in the outbox"
    return re.search(r"\d{6}", message.text).group(0)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"
