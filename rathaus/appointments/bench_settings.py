"""Settings for ``bench/appointments.py`` only – never use them for a deployment.

Differences to config.settings (each is stated in the benchmark's output):
* per-IP and per-e-mail limits off: all load-generator clients share 127.0.0.1;
* e-mails are built but not delivered (dummy backend);
* ALTCHA stays ON; its difficulty comes from ALTCHA_MAX_NUMBER (the benchmark pre-solves
  challenges before the timed phase, so only the server-side verification is measured).
"""

from config.settings import *  # noqa: F403
from config.settings import LOGGING, env

RATHAUS_APPOINTMENTS_RATE_LIMITS = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
ALTCHA_MAX_NUMBER = env.int("ALTCHA_MAX_NUMBER", default=1000)
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["celery"] = {"level": "WARNING"}
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}
