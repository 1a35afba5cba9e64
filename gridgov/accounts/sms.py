"""Sending SMS through a pluggable backend, chosen by ``GRIDGOV_SMS_BACKEND``.

Every message goes through the outbox (``SmsMessage``): ``sms_send`` stores it as queued and
delivers it once the surrounding transaction commits, so a rolled-back request sends
nothing. Backends:

- ``log`` (default): writes the message to the ``gridgov.sms`` logger; the outbox row, marked
  sent, is where an administrator reads it (Django admin) in a demo or a test installation.
- ``http``: POSTs ``{"phone", "text"}`` as JSON to ``GRIDGOV_SMS_HTTP_URL`` with
  ``Authorization: Bearer GRIDGOV_SMS_HTTP_TOKEN``; a non-2xx answer or a network error marks
  the message failed, with the error.
- any other value is the dotted path of a class with ``send(*, phone, text)``.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gridgov.core.masking import mask_phone

from .models import SmsMessage, SmsStatus

logger = logging.getLogger("gridgov.sms")


class SmsError(Exception):
    """A message could not be delivered; the text goes into the outbox row."""


class LogBackend:
    """Writes each message to the log; the outbox keeps the full message."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class HttpBackend:
    """Posts each message to an HTTP gateway as JSON."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.GRIDGOV_SMS_HTTP_URL
        self.token = token if token is not None else settings.GRIDGOV_SMS_HTTP_TOKEN
        self.timeout = timeout if timeout is not None else settings.GRIDGOV_SMS_HTTP_TIMEOUT

    def send(self, *, phone: str, text: str) -> None:
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise SmsError("GRIDGOV_SMS_HTTP_URL must be an http(s) URL")
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (scheme checked)
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise SmsError(f"HTTP {exc.code}: {detail}".strip()) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc


BACKENDS = {"log": LogBackend, "http": HttpBackend}


def sms_backend(name: str | None = None):
    name = name or settings.GRIDGOV_SMS_BACKEND
    if name in BACKENDS:
        return BACKENDS[name]()
    if "." in name:
        return import_string(name)()
    raise ImproperlyConfigured(f"Unknown GRIDGOV_SMS_BACKEND {name!r}: use 'log', 'http' or a dotted path")


def sms_send(*, phone: str, text: str) -> SmsMessage:
    """Store a message in the outbox and deliver it when the transaction commits."""
    message = SmsMessage.objects.create(phone=phone, text=text, backend=settings.GRIDGOV_SMS_BACKEND)
    transaction.on_commit(partial(sms_deliver, message_id=message.pk), robust=True)
    return message


def sms_deliver(*, message_id: int) -> SmsMessage | None:
    """Deliver one queued message and record the outcome; a message no longer queued is left
    alone, so delivering a message again after it was sent does nothing."""
    message = SmsMessage.objects.filter(pk=message_id, status=SmsStatus.QUEUED).first()
    if message is None:
        return None
    try:
        sms_backend(message.backend).send(phone=message.phone, text=message.text)
    except Exception as exc:
        if not isinstance(exc, SmsError):
            logger.exception("SMS backend %s crashed", message.backend)
        logger.warning("SMS %s to %s failed: %s", message.pk, mask_phone(message.phone), exc)
        updates = {"status": SmsStatus.FAILED, "error": str(exc)[:2000] or type(exc).__name__}
    else:
        updates = {"status": SmsStatus.SENT, "sent_at": timezone.now(), "error": ""}
    SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.QUEUED).update(**updates)
    message.refresh_from_db()
    return message
