"""SMS delivery: the log backend and the HTTP gateway backend against a real local server."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gridgov.accounts.models import SmsMessage, SmsStatus
from gridgov.accounts.sms import HttpBackend, SmsError, sms_deliver, sms_send

from .conftest import PHONE


class Gateway:
    """A local SMS gateway: records what it receives, answers with ``status``."""

    def __init__(self):
        self.status = 200
        self.received: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                gateway.received.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                body = b'{"ok": true}' if gateway.status < 400 else b'{"error": "quota exceeded"}'
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def gateway(settings):
    with Gateway() as gw:
        settings.GRIDGOV_SMS_BACKEND = "http"
        settings.GRIDGOV_SMS_HTTP_URL = gw.url
        settings.GRIDGOV_SMS_HTTP_TOKEN = "secret-token"
        settings.GRIDGOV_SMS_HTTP_TIMEOUT = 5
        yield gw


def send(django_capture_on_commit_callbacks, text="【智慧网格】测试短信") -> SmsMessage:
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(phone=PHONE, text=text)
    message.refresh_from_db()
    return message


def test_http_backend_posts_json_with_bearer_token(db, gateway, django_capture_on_commit_callbacks):
    # when a message is sent through the http backend
    message = send(django_capture_on_commit_callbacks)
    # then the gateway got the phone and text as JSON, with the token
    [request] = gateway.received
    assert request["path"] == "/sms/send"
    assert request["body"] == {"phone": PHONE, "text": "【智慧网格】测试短信"}
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["Content-Type"].startswith("application/json")
    # and the outbox says sent
    assert (message.backend, message.status, message.error) == ("http", SmsStatus.SENT, "")
    assert message.sent_at is not None


def test_http_gateway_failure_is_recorded(db, gateway, django_capture_on_commit_callbacks):
    # given a gateway that refuses
    gateway.status = 502
    # when a message is sent
    message = send(django_capture_on_commit_callbacks)
    # then the outbox says failed, with the gateway's answer
    assert message.status == SmsStatus.FAILED
    assert message.error.startswith("HTTP 502")
    assert "quota exceeded" in message.error
    assert message.sent_at is None


def test_unreachable_gateway_is_recorded(db, settings, django_capture_on_commit_callbacks):
    # given a gateway address where nothing listens
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GRIDGOV_SMS_BACKEND = "http"
    settings.GRIDGOV_SMS_HTTP_URL = f"http://127.0.0.1:{port}/"
    # when a message is sent, then it is recorded as failed, not raised
    message = send(django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.FAILED
    assert "URLError" in message.error


def test_a_login_code_goes_through_the_gateway(db, gateway, django_capture_on_commit_callbacks):
    from gridgov.accounts.services import login_code_send

    with django_capture_on_commit_callbacks(execute=True):
        login_code_send(phone=PHONE, ip="127.0.0.1")
    [request] = gateway.received
    assert request["body"]["phone"] == PHONE
    assert request["body"]["text"].startswith("【智慧网格】您的登录验证码是")


def test_only_http_urls_are_posted_to():
    with pytest.raises(SmsError):
        HttpBackend(url="file:///etc/passwd", token="", timeout=1).send(phone=PHONE, text="x")
    with pytest.raises(SmsError):
        HttpBackend(url="", token="", timeout=1).send(phone=PHONE, text="x")


def test_delivering_twice_sends_once(db, gateway, django_capture_on_commit_callbacks):
    message = send(django_capture_on_commit_callbacks)
    assert sms_deliver(message_id=message.pk) is None
    assert len(gateway.received) == 1
