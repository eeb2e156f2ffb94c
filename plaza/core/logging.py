"""A logging filter that keeps secrets (passwords, tokens, keys) out of every log line."""

import logging
import re

SECRET_PATTERN = re.compile(
    r"(?i)(password|passwd|secret|token|api[_-]?key|authorization|sessionid|csrftoken|document_id)"
    r"(\"?\s*[:=]\s*\"?|\s+)([^\s&\"',;]+)"
)

# "Bearer <token>" wherever it appears (a header dict, a repr of request.META), and Plaza's
# API tokens by their shape, even when nothing names them.
BEARER_PATTERN = re.compile(r"(?i)\b(bearer|basic)(\s+)([^\s&\"',;]+)")
API_TOKEN_PATTERN = re.compile(r"plaza_[0-9a-f]{8}_[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    text = API_TOKEN_PATTERN.sub("[redacted]", text)
    text = BEARER_PATTERN.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    return SECRET_PATTERN.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
