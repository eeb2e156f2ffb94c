"""Census identifiers: normalised, then kept only as keyed hashes (HMAC-SHA256)."""

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings


def normalise_document(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "").upper()
    return re.sub(r"[\s\-./]", "", text)


def normalise_postal_code(value: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or "")).upper()


def _keyed(jurisdiction_id: int, *parts: str) -> str:
    key = settings.CENSUS_HASH_KEY.encode()
    message = "\x1f".join([str(jurisdiction_id), *parts]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def document_hash(jurisdiction_id: int, document_id: str) -> str:
    return _keyed(jurisdiction_id, "doc", normalise_document(document_id))


def match_hash(jurisdiction_id: int, document_id: str, birth_date: date, postal_code: str) -> str:
    return _keyed(
        jurisdiction_id,
        "match",
        normalise_document(document_id),
        birth_date.isoformat(),
        normalise_postal_code(postal_code),
    )
