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
