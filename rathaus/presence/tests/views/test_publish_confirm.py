"""Publishing asks first and says how many people will be notified (issue 11, point 15)."""

import pytest
from django.core import mail

from rathaus.presence.models import PlanVersion

pytestmark = pytest.mark.django_db


def url(period):
    return f"/planung/zeitraeume/{period.pk}/veroeffentlichen/"


def test_the_period_page_leads_to_a_confirmation_that_counts_the_people(client, solved, world):
    client.force_login(world["users"]["planner"])
    detail = client.get(f"/planung/zeitraeume/{solved.pk}/").content.decode()
    assert f'href="{url(solved)}"' in detail  # a link to the confirmation, not a one-click form
    page = client.get(url(solved)).content.decode()
    assert "Der Plan geht an 11 Personen." in page
    assert "11 Personen bekommen ihre Tage per E-Mail." in page
    assert "Jetzt veröffentlichen und 11 Personen benachrichtigen" in page
    assert not PlanVersion.objects.exists() and not mail.outbox


def test_a_post_without_the_confirmation_publishes_nothing(client, solved, world):
    world["staff"][0].email = ""
    world["staff"][0].save(update_fields=["email"])
    client.force_login(world["users"]["planner"])
    response = client.post(url(solved))
    assert response.status_code == 200
    assert "10 Personen bekommen ihre Tage per E-Mail." in response.content.decode()
    assert not PlanVersion.objects.exists() and not mail.outbox
    solved.refresh_from_db()
    assert solved.status == "solved"


def test_the_confirmed_post_publishes_and_mails_everyone(client, solved, world):
    client.force_login(world["users"]["planner"])
    response = client.post(url(solved), {"confirm": "1"}, follow=True)
    assert "Plan veröffentlicht (Version 1); 11 E-Mail(s) versandt." in response.content.decode()
    assert PlanVersion.objects.get(period=solved).mails_sent == len(mail.outbox) == 11


def test_confirmation_without_a_plan_offers_nothing_to_publish(client, period, world):
    client.force_login(world["users"]["planner"])
    page = client.get(url(period)).content.decode()
    assert "Es gibt noch keinen berechneten Plan" in page
    assert "Jetzt veröffentlichen" not in page
