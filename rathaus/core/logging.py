"""Logging filter that keeps personal data out of log lines."""

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(\+?\d[\d /-]{7,}\d)")


def redact(text: str) -> str:
    return _PHONE.sub("[telefon]", _EMAIL.sub("[e-mail]", text))


class RedactPersonalData(logging.Filter):
    """Replaces e-mail addresses and phone numbers; drops request bodies from Django's error logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not kill logging
            return True
        record.msg = redact(message)
        record.args = ()
        if hasattr(record, "request"):
            record.request = None
        return True
