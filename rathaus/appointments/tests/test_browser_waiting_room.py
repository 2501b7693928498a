"""Browser: during a rush a citizen waits in the waiting room – position shown in a live
region, updated without reload (and by a button without script) – and is taken to the
details form as soon as it is their turn. axe-core runs on every page visited."""

from datetime import datetime

import pytest

from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import waiting_room as store
from rathaus.appointments.tests.helpers import make_office


@pytest.fixture
def queues(monkeypatch):
    # the test holds a gate as long as it likes (a real holder's hold lapses after 5 s)
    monkeypatch.setattr(store, "LOCK_MS", 10**9)
    chosen = store.LocalQueues()  # the live server runs in this process
    store._queues = chosen
    yield chosen
    store.reset()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_waits_in_the_waiting_room_and_gets_the_slot_in_turn(
    page, live_server, axe_check, town, queues
):
    location, _counters, ausweis, _kfz = make_office(town, counters=1)
    page.goto(f"{live_server.url}/termine/standort/{location.id}/")
    page.get_by_label(ausweis.name).select_option("1")
    page.get_by_role("button", name="Weiter zu freien Terminen").click()
    page.wait_for_load_state()
    page.locator("h2:has-text('Die nächsten Tage') + ul a").first.click()
    page.wait_for_load_state()
    first_time = page.locator("input[name=start]").first
    first_time.check()
    start = datetime.fromisoformat(first_time.get_attribute("value"))
    # somebody else is being served at this time right now: the citizen has to queue
    gate = store.gate_of(location.id, int(start.timestamp()))
    assert queues.enter(gate, "someone-else", "their-ticket", "")[1] == store.GO
    page.get_by_role("button", name="Uhrzeit reservieren").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Warteraum").is_visible()
    live = page.locator("[aria-live=polite]")
    assert "Ihre Anfrage ist an Position 2 der Warteschlange" in live.inner_text()
    axe_check(page)
    page.get_by_role("button", name="Stand aktualisieren").click()  # works without script
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Warteraum").is_visible()
    assert not Appointment.objects.exists()

    queues.take(gate, "", "-")  # the other request is answered …
    queues.release(gate, "someone-else")  # … and the gate is free: the page moves on alone
    page.get_by_text("für Sie reserviert").wait_for(timeout=60_000)
    axe_check(page)
    hold = Appointment.objects.get()
    assert hold.status == Appointment.Status.HELD and hold.start == start
