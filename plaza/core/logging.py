"""A logging filter that keeps secrets (passwords, tokens, keys) out of every log line."""

import logging
import re

SECRET_PATTERN = re.compile(
    r"(?i)(password|passwd|secret|token|api[_-]?key|authorization|sessionid|csrftoken|document_id)"
    r"(\"?\s*[:=]\s*\"?|\s+)([^\s&\"',;]+)"
)


def redact(text: str) -> str:
    return SECRET_PATTERN.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
