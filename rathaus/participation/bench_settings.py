"""Settings for ``bench/participation.py`` only – never use them for a deployment.

Difference to config.settings (stated in the benchmark's output): the per-IP limits and the
proof of work of participation are off, because every load-generator client shares 127.0.0.1.
Posting still needs a valid personal token per participant.
"""

from config.settings import *  # noqa: F403
from config.settings import LOGGING

RATHAUS_PARTICIPATION_PROTECTION = False
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}
