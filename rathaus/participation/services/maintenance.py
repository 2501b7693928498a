"""Periodic jobs of participation: the retention of participants' personal data (the weekly
digest is in services/digest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.participation import conf
from rathaus.participation.models import (
    DistrictFollower,
    InvitationCode,
    Participant,
    Process,
    Registration,
)
from rathaus.participation.services.participants import participant_remove


@dataclass(frozen=True)
class Purged:
    processes: int = 0
    participants: int = 0
    codes: int = 0
    registrations: int = 0
    followers: int = 0  # unconfirmed subscriptions of the district digest


# A confirmation link of the district digest is valid for 7 days; then the address goes.
UNCONFIRMED_FOLLOWER_DAYS = timedelta(days=8)


def participants_purge_expired(*, now: datetime | None = None, days: int | None = None) -> Purged:
    """Erase participants' personal data ``days`` (conf: retention_days) after the last phase
    of their process ended: personal links, pseudonyms and e-mail addresses (the participant
    rows), their supports and votes, the process's invitation codes and the registrations for
    its conferences. Unconfirmed district-digest subscriptions go after eight days.

    Contributions others answered stay as anonymous placeholders; decided ideas and proposals
    taken into the guiding vision keep their text without the author (the public result).
    Processes without phases never expire. Running it twice changes nothing the second time.
    """
    now = now_or(now)
    days = conf.retention_days() if days is None else days
    cutoff = timezone.localdate(now) - timedelta(days=days)
    expired = Process.objects.annotate(last_day=Max("phases__ends_on")).filter(last_day__lt=cutoff)
    totals = Purged()
    for process in expired.only("pk", "municipality_id"):
        done = _purge_process(process)
        totals = Purged(
            totals.processes + (1 if done.participants or done.codes or done.registrations else 0),
            totals.participants + done.participants,
            totals.codes + done.codes,
            totals.registrations + done.registrations,
        )
    unconfirmed = DistrictFollower.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - UNCONFIRMED_FOLLOWER_DAYS
    )
    followers, _by_model = unconfirmed.delete()
    return Purged(
        totals.processes, totals.participants, totals.codes, totals.registrations, followers
    )


@transaction.atomic
def _purge_process(process: Process) -> Purged:
    people = list(Participant.objects.select_for_update().filter(process=process))
    for participant in people:
        participant_remove(participant, keep_results=True)
    codes, _by_model = InvitationCode.objects.filter(group__process=process).delete()
    registrations, _by_model = Registration.objects.filter(conference__process=process).delete()
    if people or codes or registrations:
        audit.record(
            actor=None,
            action="delete",
            municipality_id=process.municipality_id,
            object_type="participation.Process",
            object_id=str(process.pk),
            summary=_(
                "Aufbewahrungsfrist: %(participants)s Teilnehmende, %(codes)s Codes, "
                "%(registrations)s Anmeldungen gelöscht"
            )
            % {"participants": len(people), "codes": codes, "registrations": registrations},
        )
    return Purged(1, len(people), codes, registrations)
