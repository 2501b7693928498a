"""Links in e-mails and feeds of every app point to the host the person used (or SITE_URL)."""

from django.test import RequestFactory
from django.urls import reverse

from rathaus.core.links import DEFAULT_SITE_URL, site_url, using_base_url
from rathaus.core.middleware import RequestBaseUrlMiddleware
from rathaus.meetings.ical import join_gate_url
from rathaus.participation.mails import link


def test_the_request_host_wins_over_the_built_in_default(settings):
    settings.SITE_URL = DEFAULT_SITE_URL
    settings.ALLOWED_HOSTS = ["rathaus.test"]
    seen = {}

    def view(request):
        seen["participation"] = link("index")
        seen["meetings"] = join_gate_url(type("M", (), {"pk": 7})())
        return None

    RequestBaseUrlMiddleware(view)(RequestFactory().get("/", HTTP_HOST="rathaus.test:8100"))
    assert seen["participation"].startswith("http://rathaus.test:8100/")
    assert seen["meetings"] == "http://rathaus.test:8100" + reverse("meetings:join", args=[7])
    assert site_url() == DEFAULT_SITE_URL  # outside the request: the default again


def test_a_configured_site_url_wins_everywhere(settings):
    settings.SITE_URL = "https://termine.musterstadt.de/"
    with using_base_url("http://localhost:8100"):
        assert link("index").startswith("https://termine.musterstadt.de/")
