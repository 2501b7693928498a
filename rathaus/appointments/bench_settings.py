"""Settings for ``bench/appointments.py`` only – never use them for a deployment.

Differences to config.settings (each is stated in the benchmark's output):
* per-IP limit off: all load-generator clients share 127.0.0.1 (the per-e-mail limit
  stays on: one indexed query per booking, every client uses its own address);
* e-mails are built completely but not delivered: the backend only counts them in the
  cache (key ``appointments:bench:mails_sent``), so the benchmark can show that every
  booking's opt-in mail was processed (by the Celery worker when CELERY_BROKER_URL is set);
* ALTCHA stays ON; its difficulty comes from ALTCHA_MAX_NUMBER (the benchmark pre-solves
  challenges before the timed phase, so only the server-side verification is measured).
"""

from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend

from config.settings import *  # noqa: F403
from config.settings import LOGGING, env

MAILS_SENT_KEY = "appointments:bench:mails_sent"


class CountingEmailBackend(BaseEmailBackend):
    """Counts the messages it is given (after they were built) and drops them."""

    def send_messages(self, email_messages):
        messages = list(email_messages)
        for message in messages:
            message.message()  # build the MIME message as a real backend would
        if messages:
            try:
                cache.incr(MAILS_SENT_KEY, len(messages))
            except ValueError:
                if not cache.add(MAILS_SENT_KEY, len(messages), None):
                    cache.incr(MAILS_SENT_KEY, len(messages))
        return len(messages)


RATHAUS_APPOINTMENTS_RATE_LIMITS = False  # per-IP limit off (one client IP)
RATHAUS_APPOINTMENTS_EMAIL_LIMIT = True  # per-e-mail limit stays on (unique e-mails)
EMAIL_BACKEND = "rathaus.appointments.bench_settings.CountingEmailBackend"
ALTCHA_MAX_NUMBER = env.int("ALTCHA_MAX_NUMBER", default=1000)
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["celery"] = {"level": "WARNING"}
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}
