"""Text messages: numbers, parts, the locmem and Twilio backends (a live fake gateway), retries, no leaks."""

import base64
import json
import logging
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from plaza.core import sms
from plaza.core.models import CensusRecord
from plaza.core.operations.identity import import_census

pytestmark = pytest.mark.django_db

ACCOUNT, TOKEN = "AC0123456789abcdef0123456789abcdef", "secret-auth-token-never-logged"


class FakeTwilio(BaseHTTPRequestHandler):
    """Answers as Twilio's Messages API does; `status` decides the answer, every request is kept."""

    status = 201
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (the http.server API)
        length = int(self.headers.get("Content-Length", 0))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        FakeTwilio.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "form": form})
        if self.status == 201:
            body = {"sid": "SM" + "0" * 32, "status": "queued", "to": form.get("To")}
        else:
            body = {"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": self.status}
        payload = json.dumps(body).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    FakeTwilio.status, FakeTwilio.requests = 201, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_BACKEND = "plaza.core.sms.TwilioBackend"
    settings.SMS_TWILIO_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SMS_TWILIO_ACCOUNT_SID, settings.SMS_TWILIO_AUTH_TOKEN = ACCOUNT, TOKEN
    settings.SMS_FROM, settings.SMS_TWILIO_MESSAGING_SERVICE_SID = "+15005550006", ""
    yield FakeTwilio
    server.shutdown()
    server.server_close()


def test_numbers_are_read_in_the_country_and_kept_in_e164():
    assert sms.normalise_phone("06 12 34 56 78", "FR") == "+33612345678"
    assert sms.normalise_phone("+34 612 34 56 78") == "+34612345678"
    assert sms.normalise_phone("010-2000-0000", "kr") == "+821020000000"
    for bad, region in [("06 12 34 56 78", ""), ("12", "FR"), ("call me", "FR"), ("+33 1", "")]:
        with pytest.raises(ValueError):
            sms.normalise_phone(bad, region)
    assert sms.mask_phone("+33612345678") == "•••• 5678"


def test_parts_follow_the_gsm_and_ucs2_limits():
    assert sms.segments("a" * 160) == 1 and sms.segments("a" * 161) == 2 and sms.segments("a" * 307) == 3
    assert sms.segments("€" * 80) == 1 and sms.segments("€" * 81) == 2  # each takes two septets
    assert sms.segments("ó" * 70) == 1 and sms.segments("ó" * 71) == 2  # not in GSM 03.38: UCS-2


def test_messages_wait_for_the_commit_and_go_to_the_outbox(sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sms.send_text("+33612345678", "1234-5678 is your code")
        assert sms_outbox == []
    assert len(callbacks) == 1
    assert sms_outbox == [sms.TextMessage("+33612345678", "1234-5678 is your code")]


def test_without_a_backend_nothing_is_sent(settings):
    settings.SMS_BACKEND = ""
    assert not sms.is_enabled()
    with pytest.raises(sms.SmsError, match="sends no text messages"):
        sms.send_text("+33612345678", "x")


def test_twilio_gets_the_message_with_basic_auth(gateway):
    assert sms.TwilioBackend().send(sms.TextMessage("+33612345678", "1234-5678 is your code")) == "SM" + "0" * 32
    (request,) = gateway.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["form"] == {"To": "+33612345678", "From": "+15005550006", "Body": "1234-5678 is your code"}
    assert base64.b64decode(request["auth"].split()[1]).decode() == f"{ACCOUNT}:{TOKEN}"


def test_a_messaging_service_replaces_the_sender(gateway, settings):
    settings.SMS_TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    sms.TwilioBackend().send(sms.TextMessage("+33612345678", "hi"))
    assert gateway.requests[0]["form"]["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in gateway.requests[0]["form"]


@pytest.mark.parametrize("status, retry", [(400, False), (429, True), (500, True), (503, True)])
def test_gateway_refusals_say_whether_a_retry_can_help(gateway, status, retry):
    gateway.status = status
    with pytest.raises(sms.SmsError) as raised:
        sms.TwilioBackend().send(sms.TextMessage("+33612345678", "hi"))
    assert raised.value.retry is retry and str(status) in str(raised.value)


def test_an_unreachable_gateway_is_retried_later(settings):
    settings.SMS_TWILIO_API_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    settings.SMS_TWILIO_ACCOUNT_SID, settings.SMS_TWILIO_AUTH_TOKEN, settings.SMS_FROM = ACCOUNT, TOKEN, "+15005550006"
    with pytest.raises(sms.SmsError) as raised:
        sms.TwilioBackend().send(sms.TextMessage("+33612345678", "hi"))
    assert raised.value.retry


def test_a_twilio_backend_without_credentials_is_refused(settings):
    settings.SMS_TWILIO_AUTH_TOKEN = ""
    with pytest.raises(sms.SmsError, match="must be set"):
        sms.TwilioBackend()


def test_the_worker_retries_what_may_pass_and_drops_what_cannot(gateway):
    gateway.status = 503
    with pytest.raises(Retry):
        sms.send_text_message.apply(args=("+33612345678", "hi"), throw=True)
    gateway.status = 400
    assert sms.send_text_message.apply(args=("+33612345678", "hi"), throw=True).result is False
    gateway.status = 201
    assert sms.send_text_message.apply(args=("+33612345678", "hi"), throw=True).result is True


def test_with_a_worker_the_message_is_queued_after_commit(settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.PLAZA_JOB_BACKEND = "celery"
    queued = []
    monkeypatch.setattr(sms.send_text_message, "apply_async", lambda args, **kw: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        sms.send_text("+33612345678", "hi")
        assert queued == []
    assert queued == [("+33612345678", "hi")]


def test_neither_the_number_nor_the_body_nor_the_token_reach_the_logs(gateway, caplog):
    caplog.set_level(logging.DEBUG)
    gateway.status = 400
    assert sms._send_now(sms.TextMessage("+33612345678", "4821-7730 is your code")) is False
    gateway.status = 201
    assert sms._send_now(sms.TextMessage("+33612345678", "4821-7730 is your code")) is True
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "•••• 5678" in logged
    for secret in ("+33612345678", "612345678", "4821-7730", TOKEN):
        assert secret not in logged


def test_the_census_file_may_carry_a_phone_number(paris, paris_admin):
    paris.country = "FR"
    paris.save()
    content = b"document_id,date_of_birth,postal_code,phone\nP1,1990-01-02,75001,06 12 34 56 78\nP2,1990-01-02,75001,\n"
    content += b"P3,1990-01-02,75001,+34 612 34 56 78\n"
    import_census(actor=paris_admin, jurisdiction=paris, file_name="c.csv", content=content)
    with scopes_disabled():
        assert sorted(CensusRecord.objects.values_list("phone", flat=True)) == ["", "+33612345678", "+34612345678"]
    with pytest.raises(ValidationError, match="Line 3, column phone: This is not a phone number"):
        bad = content.replace(b",\n", b",12\n")
        import_census(actor=paris_admin, jurisdiction=paris, file_name="c.csv", content=bad)


def test_without_a_country_national_numbers_are_refused_with_a_hint(paris, paris_admin):
    content = b"document_id,date_of_birth,postal_code,phone\nP1,1990-01-02,75001,06 12 34 56 78\n"
    with pytest.raises(ValidationError, match="with its country code"):
        import_census(actor=paris_admin, jurisdiction=paris, file_name="c.csv", content=content)
