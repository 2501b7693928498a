"""Logging filter that keeps personal data out of log lines."""

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# A phone number stands alone: not part of a word, a UUID (task IDs), a decimal number
# (durations like "succeeded in 0.0123456s") or a hex string.
_PHONE = re.compile(r"(?<![\w.:-])(\+?\d[\d /-]{7,}\d)(?![\w:-]|\.\w)")
_DATE_OR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}([ T/-][\d:]*)?|[\d /-]*\d{2}:\d{2}")


def _phone(match: re.Match) -> str:
    if _DATE_OR_TIME.fullmatch(match.group(1)):
        return match.group(0)
    return "[telefon]"


def redact(text: str) -> str:
    return _PHONE.sub(_phone, _EMAIL.sub("[e-mail]", text))


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
