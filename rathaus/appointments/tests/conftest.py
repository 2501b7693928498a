import pytest
from django.core.cache import cache

from rathaus.appointments.selectors.availability import clear_process_cache


@pytest.fixture(autouse=True)
def _appointments_settings(settings):
    # no cross-test reuse of cached availability; small proof of work for speed
    settings.RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS = 0
    settings.ALTCHA_MAX_NUMBER = 2000
    settings.SITE_URL = "http://testserver"
    cache.clear()
    yield
    clear_process_cache()
