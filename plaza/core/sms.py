"""Text messages (SMS): phone numbers, and a sending backend chosen by settings, as Django chooses its mail one.

``settings.SMS_BACKEND`` names the backend class; empty means this deployment sends no text messages (pages
then don't offer them). Shipped backends:

- ``plaza.core.sms.ConsoleBackend`` writes each message to standard output (the demo, a laptop);
- ``plaza.core.sms.LocmemBackend`` keeps them in ``plaza.core.sms.outbox`` (tests);
- ``plaza.core.sms.TwilioBackend`` posts them to Twilio's Messages API (``SMS_TWILIO_ACCOUNT_SID``,
  ``SMS_TWILIO_AUTH_TOKEN``, ``SMS_FROM`` or ``SMS_TWILIO_MESSAGING_SERVICE_SID``; ``SMS_TWILIO_API_URL``
  points it at another server speaking the same API).

``send_text`` sends after the surrounding transaction commits: through the Celery worker with retries when
``PLAZA_JOB_BACKEND`` is "celery", in the same process otherwise. A message's body often holds a secret (a
one-time code) and its number is personal data: neither is ever logged, numbers only masked.
"""

import logging
import sys
from dataclasses import dataclass

import httpx
import phonenumbers
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SEND_TASK = "plaza.core.send_text_message"
RETRY_DELAYS = (30, 120, 600, 1800)  # seconds between attempts when the gateway fails for a while
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")  # each takes two septets

outbox: list["TextMessage"] = []


@dataclass(frozen=True)
class TextMessage:
    to: str  # E.164, e.g. +33612345678
    body: str


class SmsError(Exception):
    """The gateway refused or failed; `retry` says whether trying again later may succeed."""

    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


# --- Numbers ------------------------------------------------------------------------------------


def normalise_phone(raw: str, region: str = "") -> str:
    """The number in E.164 form, or ValueError. National numbers need the region (ISO 3166 code)."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(number: str) -> str:
    """What a page or log line may show of a number: its last four digits."""
    digits = [c for c in number if c.isdigit()]
    return "•••• " + "".join(digits[-4:]) if len(digits) > 4 else "••••"


def segments(body: str) -> int:
    """How many SMS parts the body takes: GSM 03.38 text fits 160 septets (153 per part when split), else UCS-2
    fits 70 characters (67 per part)."""
    if all(c in GSM7 or c in GSM7_EXTENDED for c in body):
        septets = sum(2 if c in GSM7_EXTENDED else 1 for c in body)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(body.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


# --- Backends -----------------------------------------------------------------------------------


class BaseBackend:
    def send(self, message: TextMessage) -> str:
        """Send one message; return the gateway's id for it, or raise SmsError."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: TextMessage) -> str:
        self.stream.write(f"--- text message to {message.to} ---\n{message.body}\n---\n")
        self.stream.flush()
        return "console"


class LocmemBackend(BaseBackend):
    def send(self, message: TextMessage) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"


class TwilioBackend(BaseBackend):
    """Twilio's Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded, HTTP basic auth."""

    def __init__(self):
        self.account = settings.SMS_TWILIO_ACCOUNT_SID
        self.token = settings.SMS_TWILIO_AUTH_TOKEN
        self.sender = settings.SMS_FROM
        self.service = settings.SMS_TWILIO_MESSAGING_SERVICE_SID
        self.base = settings.SMS_TWILIO_API_URL.rstrip("/")
        if not (self.account and self.token and (self.sender or self.service)):
            raise SmsError("SMS_TWILIO_ACCOUNT_SID, SMS_TWILIO_AUTH_TOKEN and SMS_FROM must be set", retry=False)

    def send(self, message: TextMessage) -> str:
        form = {"To": message.to, "Body": message.body}
        form |= {"MessagingServiceSid": self.service} if self.service else {"From": self.sender}
        url = f"{self.base}/2010-04-01/Accounts/{self.account}/Messages.json"
        try:
            response = httpx.post(url, data=form, auth=(self.account, self.token), timeout=settings.SMS_TIMEOUT)
        except httpx.HTTPError as error:
            raise SmsError(f"gateway unreachable: {type(error).__name__}", retry=True) from None
        if response.status_code in (200, 201):
            return str(_json(response).get("sid", ""))
        detail = _json(response)
        reason = f"gateway answered {response.status_code}: {detail.get('code', '')} {detail.get('message', '')}"
        # Twilio: 4xx is a request it will never accept (bad number, unverified sender), except too many requests.
        raise SmsError(reason.strip(), retry=response.status_code == 429 or response.status_code >= 500)


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def is_enabled() -> bool:
    return bool(settings.SMS_BACKEND)


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


# --- Sending ------------------------------------------------------------------------------------


def send_text(to: str, body: str) -> None:
    """Send once the current transaction commits (at once outside one); failures are logged, masked."""
    if not is_enabled():
        raise SmsError("this deployment sends no text messages (SMS_BACKEND is empty)", retry=False)
    if settings.PLAZA_JOB_BACKEND == "celery":
        transaction.on_commit(lambda: send_text_message.apply_async((to, body), retry=True))
    else:
        transaction.on_commit(lambda: _send_now(TextMessage(to, body)))


def _attempt(message: TextMessage) -> str:
    try:
        gateway_id = get_backend().send(message)
    except SmsError as error:
        logger.warning("text message to %s not sent: %s", mask_phone(message.to), error)
        raise
    logger.info("text message to %s sent (%s)", mask_phone(message.to), gateway_id)
    return gateway_id


def _send_now(message: TextMessage) -> bool:
    """One attempt in this process (no worker to retry later): the failure is logged, the page goes on."""
    try:
        _attempt(message)
    except SmsError:
        return False
    return True


@shared_task(name=SEND_TASK, bind=True, max_retries=len(RETRY_DELAYS), acks_late=True, ignore_result=True)
def send_text_message(task, to: str, body: str) -> bool:
    """The worker's side of `send_text`: a failure the gateway may get over is retried later, a few times."""
    try:
        _attempt(TextMessage(to, body))
    except SmsError as error:
        if not error.retry:
            return False
        if task.request.retries >= len(RETRY_DELAYS):
            logger.error("text message to %s given up after %s attempts", mask_phone(to), task.request.retries + 1)
            return False
        raise task.retry(countdown=RETRY_DELAYS[task.request.retries], exc=error) from None
    return True
