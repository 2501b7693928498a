"""The waiting room's door before Django answers exactly as the API does – same status, body
and headers – and hands everything else to Django untouched."""

import json
import os
import uuid
from datetime import datetime, time

import pytest
import redis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from rathaus.appointments.api import door
from rathaus.appointments.models import Appointment, BookingPolicy
from rathaus.appointments.selectors import availability
from rathaus.appointments.selectors import waiting_room as store
from rathaus.appointments.services import common
from rathaus.appointments.tests.helpers import BERLIN, altcha_payload, office_open_tomorrow
from rathaus.core.fastpath import FastPath

pytestmark = pytest.mark.django_db
API = "/api/v1/appointments"


@pytest.fixture
def queues(settings, monkeypatch):
    """The waiting room in Redis (the door lives there); the per-IP limit off, because the
    API counts it in the test cache and the door in Redis; a gate remembers "sold out" for
    the whole test (a loaded test machine may take longer than a second)."""
    settings.RATHAUS_APPOINTMENTS_RATE_LIMITS = False
    monkeypatch.setattr(store, "SOLD_OUT_MS", 600_000)
    url = os.environ.get("RATHAUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("needs Redis (RATHAUS_TEST_REDIS_URL)")
    chosen = store.RedisQueues(client, prefix=f"test:{uuid.uuid4().hex}:")
    store._queues = chosen
    yield chosen
    store.reset()
    for key in client.scan_iter(match=f"{chosen.prefix}*"):
        client.delete(key)


def _django_must_not_answer(environ, start_response):
    pytest.fail("the door passed the request on to Django")


def _call(app, request):
    """(status, headers, body) of a WSGI application for a RequestFactory request."""
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(app(request.environ, start_response))
    return seen["status"], seen["headers"], body


def _through_django(client, method, path, **extra):
    response = getattr(client, method)(path, **extra)
    return response.status_code, dict(response.headers), response.content


@pytest.fixture
def sold_out_slot(town, queues):
    """A slot whose gate remembers the index's "full" for the booking's demand."""
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=1)
    start = datetime.combine(day, time(9), tzinfo=BERLIN)
    gate = store.gate_of(location.id, int(start.timestamp()))
    queues.mark_sold_out(gate, store.demand_key({ausweis.id: 1}))
    return location, ausweis, start, gate


def _booking(location, service, start, **fields):
    return json.dumps(
        {
            "location_id": location.id,
            "start": start.isoformat(),
            "services": [{"service_id": service.id, "count": 1}],
            "name": "Erika Mustermann",
            "email": "erika@example.org",
            "privacy_consent": True,
            "altcha": altcha_payload(),
        }
        | fields
    )


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_sold_out_gate_answered_before_django_looks_exactly_like_djangos_answer(
    client, sold_out_slot, queues, language
):
    location, ausweis, start, gate = sold_out_slot
    fast = FastPath(_django_must_not_answer, door.ROUTES)
    url = f"{API}/bookings"
    extra = {"content_type": "application/json", "HTTP_ACCEPT_LANGUAGE": language}
    django = _through_django(client, "post", url, data=_booking(location, ausweis, start), **extra)
    request = RequestFactory().post(url, data=_booking(location, ausweis, start), **extra)
    answer = _call(fast, request)
    assert answer == django
    assert answer[0] == 409 and answer[1]["Content-Type"] == "application/problem+json"
    assert answer[1]["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in answer[1]
    detail = json.loads(answer[2])["detail"]
    assert ("ausgebucht" in detail) == (language == "de")
    assert queues.gate_done(gate) == 2  # both arrivals counted and answered
    assert not Appointment.objects.exists()


def test_a_hold_for_a_sold_out_slot_is_answered_before_django_like_django(client, sold_out_slot):
    location, ausweis, start, _gate = sold_out_slot
    fast = FastPath(_django_must_not_answer, door.ROUTES)
    url = f"{API}/holds"

    def body():
        return json.dumps(
            {
                "location_id": location.id,
                "start": start.isoformat(),
                "services": [{"service_id": ausweis.id, "count": 1}],
                "altcha": altcha_payload(),
            }
        )

    django = _through_django(client, "post", url, data=body(), content_type="application/json")
    request = RequestFactory().post(url, data=body(), content_type="application/json")
    assert _call(fast, request) == django
    assert django[0] == 409


def test_a_proof_of_work_used_before_is_refused_before_django_like_django(client, sold_out_slot):
    location, ausweis, start, _gate = sold_out_slot
    fast = FastPath(_django_must_not_answer, door.ROUTES)
    url = f"{API}/bookings"
    used = _booking(location, ausweis, start)
    first = _call(fast, RequestFactory().post(url, data=used, content_type="application/json"))
    again = _call(fast, RequestFactory().post(url, data=used, content_type="application/json"))
    django = _through_django(client, "post", url, data=used, content_type="application/json")
    assert first[0] == 409
    assert again == django and json.loads(again[2])["code"] == "altcha_replayed"


def test_an_answered_ticket_is_polled_before_django_like_django(client, town, queues):
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=1)
    gate = store.gate_of(location.id, 1)
    queues.enter(gate, "holder", "t-holder", "{}")  # holds the gate
    _seq, state, _full = queues.enter(gate, "other", "t-waiting", "{}")
    assert state == store.WAIT
    refusal = {"status": 409, "code": "slot_taken", "detail": "ausgebucht", "errors": []}
    assert queues.answer(gate, "t-waiting", json.dumps(refusal))
    fast = FastPath(_django_must_not_answer, door.ROUTES)
    url = f"{API}/queue/t-waiting"
    django = _through_django(client, "get", url)
    assert _call(fast, RequestFactory().get(url)) == django
    assert json.loads(django[2])["result"] == refusal


@pytest.fixture
def django_app():
    """Django's WSGI application for a direct call; like the test client, it keeps the test's
    database connection (no closing of old connections at the request's start)."""
    signals.request_started.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)


def test_what_the_door_cannot_answer_goes_to_django_untouched(town, queues, django_app):
    """A free slot (nothing known sold out), an invalid body, a ticket still waiting: the
    door counts nothing, and Django answers with the body it was sent."""
    location, _counters, ausweis, day = office_open_tomorrow(town, counters=1)
    start = datetime.combine(day, time(9), tzinfo=BERLIN)
    gate = store.gate_of(location.id, int(start.timestamp()))
    fast = FastPath(django_app, door.ROUTES)
    url = f"{API}/bookings"
    booked = _call(
        fast,
        RequestFactory().post(
            url, data=_booking(location, ausweis, start), content_type="application/json"
        ),
    )
    assert booked[0] == 201 and json.loads(booked[2])["arrival"] == 1
    assert Appointment.objects.count() == 1
    invalid = _booking(location, ausweis, start, email="")
    refused = _call(fast, RequestFactory().post(url, data=invalid, content_type="application/json"))
    assert refused[0] == 422
    assert queues.gate_done(gate) == 1  # the refused request never reached the gate


def test_the_per_ip_limit_refuses_before_django_in_the_apis_words(sold_out_slot, queues, settings):
    """Over the location's per-IP limit the door answers 429 with the API's problem body,
    and it counts every request, also those it refuses, as the API does."""
    location, ausweis, start, gate = sold_out_slot
    settings.RATHAUS_APPOINTMENTS_RATE_LIMITS = True
    BookingPolicy.objects.filter(location=location).update(max_requests_per_ip_hour=2)
    availability.clear_process_cache()  # the location's setup holds the policy
    fast = FastPath(_django_must_not_answer, door.ROUTES)
    url = f"{API}/bookings"

    def attempt():
        body = _booking(location, ausweis, start)
        return _call(fast, RequestFactory().post(url, data=body, content_type="application/json"))

    for _try in range(2):  # the counter lives per clock hour: once more if one just began
        counter = cache.make_key(common.rate_limit_key("127.0.0.1"))
        queues.client.delete(counter)  # earlier tests' requests from this address
        answers = [attempt() for _ in range(3)]
        queues.client.delete(counter)
        if cache.make_key(common.rate_limit_key("127.0.0.1")) == counter:
            break
    assert [a[0] for a in answers] == [409, 409, 429]
    refused = answers[2]
    assert refused[1]["Content-Type"] == "application/problem+json"
    problem = json.loads(refused[2])
    assert problem["code"] == "too_many_requests"
    assert "Zu viele Anfragen" in problem["detail"]
    assert not Appointment.objects.exists()
