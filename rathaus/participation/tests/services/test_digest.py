"""The weekly district digest: double opt-in, at most one e-mail a week, batches, no empty mail."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from rathaus.core.problems import DomainError
from rathaus.participation.models import DistrictFollower
from rathaus.participation.selectors.digest import follower_from_link, follower_link_value
from rathaus.participation.services import digest, maintenance, participants, posts
from rathaus.participation.tests.conftest import NOW, make_process

pytestmark = pytest.mark.django_db

MONDAY = NOW  # 4 May 2026 is a Monday


@pytest.fixture
def nord(districts):
    return districts["NORD"]


def follow(district, email, *, confirm=True, now=NOW - timedelta(days=30)):
    follower = digest.follower_subscribe(district=district, email=email, consent=True, now=now)
    if confirm:
        digest.follower_confirm(follower=follower, now=now)
    return follower


@pytest.fixture
def news(town, districts, planner):
    """An open process in the Nordviertel with an idea posted in the week before MONDAY."""
    process = make_process(town, districts, planner, now=MONDAY - timedelta(days=20))
    person, _token = participants.participant_join(
        process=process,
        pseudonym="Anwohnerin",
        consent=True,
        street="Lindenstraße",
        house_number="4",
        now=MONDAY - timedelta(days=3),
    )
    return posts.idea_create(
        process=process,
        participant=person,
        title="Mehr Bäume <script>",
        body="Schatten im Sommer",
        now=MONDAY - timedelta(days=2),
    )


def test_subscribing_sends_a_confirmation_link_and_nothing_else(
    nord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follower = digest.follower_subscribe(
            district=nord, email="Anna@Example.org", consent=True, now=NOW
        )
    assert follower.email == "anna@example.org" and follower.confirmed_at is None
    assert len(mail.outbox) == 1 and "bestätigen" in mail.outbox[0].subject
    value = re.search(r"/stadtteil-nachrichten/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert follower_from_link(value) == follower
    assert follower_from_link(follower_link_value(follower)) == follower
    assert follower_from_link(follower_link_value(follower) + "x") is None


def test_only_confirmed_followers_get_the_digest_once_a_week(nord, news):
    follow(nord, "bestaetigt@example.org")
    follow(nord, "offen@example.org", confirm=False)
    mail.outbox.clear()
    assert digest.digests_fan_out(now=MONDAY + timedelta(hours=7)) == 1
    assert [m.to for m in mail.outbox] == [["bestaetigt@example.org"]]
    body = mail.outbox[0].body
    assert "Mehr Bäume <script>" in body and f"/beteiligung/idee/{news.pk}/" in body
    assert "/beteiligung/stadtteil-nachrichten/" in mail.outbox[0].extra_headers["List-Unsubscribe"]
    # the same week again (a retried beat, a second worker): nobody gets a second digest
    assert digest.digests_fan_out(now=MONDAY + timedelta(days=2)) == 0
    sent_again = digest.digest_send_batch(
        district_id=nord.pk,
        week=digest.week_of(MONDAY),
        follower_ids=list(DistrictFollower.objects.values_list("pk", flat=True)),
        now=MONDAY + timedelta(days=2),
    )
    assert sent_again == 0 and len(mail.outbox) == 1


def test_a_week_with_nothing_new_sends_nothing(nord, news):
    follow(nord, "anna@example.org")
    digest.digests_fan_out(now=MONDAY + timedelta(hours=7))
    mail.outbox.clear()
    digest.digests_fan_out(now=MONDAY + timedelta(days=7, hours=7))
    assert mail.outbox == []


def test_followers_are_split_into_batches_and_everyone_gets_exactly_one(nord, news):
    for i in range(5):
        follow(nord, f"person{i}@example.org")
    mail.outbox.clear()
    assert digest.digests_fan_out(now=MONDAY + timedelta(hours=7), batch_size=2) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{i}@example.org" for i in range(5)]


def test_another_district_hears_nothing_about_the_nordviertel(districts, news):
    follow(districts["SUED"], "sued@example.org")
    mail.outbox.clear()
    digest.digests_fan_out(now=MONDAY + timedelta(hours=7))
    assert mail.outbox == []


def test_a_bad_address_is_refused_at_the_field(nord):
    with pytest.raises(DomainError) as exc:
        digest.follower_subscribe(district=nord, email="nicht-gültig", consent=True, now=NOW)
    assert exc.value.errors[0]["field"] == "email"
    assert not DistrictFollower.objects.exists()


def test_unsubscribing_deletes_the_address(nord):
    follower = follow(nord, "anna@example.org")
    digest.follower_unsubscribe(follower=follower)
    assert not DistrictFollower.objects.exists()


def test_unconfirmed_subscriptions_are_deleted_after_eight_days(nord):
    follow(nord, "offen@example.org", confirm=False, now=NOW)
    follow(nord, "bestaetigt@example.org", now=NOW)
    assert maintenance.participants_purge_expired(now=NOW + timedelta(days=7)).followers == 0
    assert maintenance.participants_purge_expired(now=NOW + timedelta(days=9)).followers == 1
    assert list(DistrictFollower.objects.values_list("email", flat=True)) == [
        "bestaetigt@example.org"
    ]
