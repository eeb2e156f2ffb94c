"""Secrets the reports keep for talking to other authorities (Open311 api_keys), encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from `PLAZA_SECRETS_KEY` (by default
SECRET_KEY): a database dump alone does not give the keys away. Rotating the key means entering
the api_keys again.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    secret = getattr(settings, "PLAZA_SECRETS_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(b"plaza.reports.secrets:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken as bad:
        raise ValueError("The stored secret cannot be read with this server's key; enter it again.") from bad
