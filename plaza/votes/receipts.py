"""Receipt codes: shown once to the voter; only their SHA-256 is stored and published with the ballot."""

import base64
import hashlib
import re
import secrets


def new_receipt_code() -> str:
    """80 random bits as 16 base32 letters in groups of four, easy to copy by hand."""
    letters = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(letters[i : i + 4] for i in range(0, 16, 4))


def receipt_hash(code: str) -> str:
    normalised = re.sub(r"[^A-Z2-7]", "", (code or "").upper())
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_access_code() -> str:
    """A one-time voting code: 8 digits, easy to read out or type on a phone (guessing is capped elsewhere)."""
    digits = f"{secrets.randbelow(10**8):08d}"
    return f"{digits[:4]}-{digits[4:]}"


def access_code_hash(code: str, *, votation_id: int, person_id: int) -> str:
    """Keyed with the site's secret and bound to the votation and person: the table alone cannot be tried through."""
    from django.utils.crypto import salted_hmac

    digits = re.sub(r"\D", "", code or "")
    return salted_hmac("plaza.votes.access-code", f"{votation_id}:{person_id}:{digits}", algorithm="sha256").hexdigest()
