"""Registration for conferences and forums: places, a waiting list that moves up by itself.

The conference row is locked (``SELECT … FOR UPDATE``) while places are counted, so two
people can never get the last place; e-mails are queued as tasks after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.meetings.services.event_video import VideoRoom, event_video_url, event_video_window
from rathaus.participation import caching
from rathaus.participation.models import Conference, Registration, hash_token, new_token
from rathaus.participation.tasks import send_registration_mail
from rathaus.participation.text import one_line, optional_email

Status = Registration.Status


def _queue_mail(registration_id: int, kind: str, token: str = "") -> None:
    transaction.on_commit(lambda: send_registration_mail.delay(registration_id, kind, token))


def _lock_open(conference: Conference, now: datetime) -> Conference:
    locked = (
        Conference.objects.select_for_update()
        .select_related("process")
        .filter(pk=conference.pk)
        .first()
    )
    if locked is None or not locked.process.published:
        raise DomainError("not_found", _("Diese Veranstaltung wurde nicht gefunden."), status=404)
    if locked.starts_at <= now:
        raise DomainError(
            "registration_closed",
            _("Die Veranstaltung hat schon begonnen. Eine Anmeldung ist nicht mehr möglich."),
            status=409,
        )
    return locked


def _refuse_twice(conference: Conference, email: str) -> None:
    active = conference.registrations.exclude(status=Status.CANCELLED)
    if active.filter(email__iexact=email).exists():
        raise DomainError(
            "email_registered",
            _(
                "Mit dieser E-Mail-Adresse ist schon jemand angemeldet. Den Stand sehen Sie "
                "über den persönlichen Link aus der Bestätigung."
            ),
            status=409,
            errors=[{"field": "email", "message": _("bereits angemeldet")}],
        )


@transaction.atomic
def registration_create(
    *,
    conference: Conference,
    name: str,
    email: str,
    organisation: str = "",
    consent: bool,
    now: datetime | None = None,
) -> tuple[Registration, str]:
    """A place if one is free, else the end of the waiting list; returns the raw token of the
    personal link (stored hashed) — it is also sent by e-mail."""
    now = now_or(now)
    name = one_line(name, field="name", label=_("Name"), max_length=120)
    email = optional_email(email, required=True)
    organisation = one_line(
        organisation,
        field="organisation",
        label=_("Organisation oder Einrichtung"),
        max_length=200,
        required=False,
    )
    if not consent:
        raise DomainError(
            "consent_required",
            _("Bitte stimmen Sie den Hinweisen zum Datenschutz zu."),
            errors=[{"field": "consent", "message": _("Pflichtfeld")}],
        )
    conference = _lock_open(conference, now)
    _refuse_twice(conference, email)
    taken = conference.registrations.filter(status=Status.CONFIRMED).count()
    status = Status.CONFIRMED if taken < conference.capacity else Status.WAITING
    token = new_token()
    registration = Registration.objects.create(
        municipality_id=conference.municipality_id,
        conference=conference,
        name=name,
        email=email,
        organisation=organisation,
        token_hash=hash_token(token),
        status=status,
        created_at=now,
        changed_at=now,
    )
    audit.record(actor=None, instance=registration, action="create", summary=status)
    caching.bump(conference.process_id)
    _queue_mail(registration.pk, str(status), token)
    return registration, token


@transaction.atomic
def registration_cancel(
    *, registration: Registration, now: datetime | None = None
) -> Registration | None:
    """Cancel; a confirmed place goes to the first person waiting (returned), who gets an
    e-mail. Cancelling twice changes nothing."""
    now = now_or(now)
    Conference.objects.select_for_update().filter(pk=registration.conference_id).first()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        return None
    freed = registration.status == Status.CONFIRMED
    registration.status = Status.CANCELLED
    registration.changed_at = now
    registration.save(update_fields=["status", "changed_at"])
    audit.record(actor=None, instance=registration, action="update", summary="cancelled")
    caching.bump(registration.conference.process_id)
    return _move_up(registration.conference_id, now) if freed else None


def _move_up(conference_id: int, now: datetime) -> Registration | None:
    conference = Conference.objects.get(pk=conference_id)
    if conference.starts_at <= now:
        return None
    taken = conference.registrations.filter(status=Status.CONFIRMED).count()
    if taken >= conference.capacity:
        return None
    first = conference.registrations.filter(status=Status.WAITING).order_by("created_at", "pk")
    nxt = first.first()
    if nxt is None:
        return None
    nxt.status = Status.CONFIRMED
    nxt.changed_at = now
    nxt.save(update_fields=["status", "changed_at"])
    audit.record(actor=None, instance=nxt, action="update", summary="moved up")
    _queue_mail(nxt.pk, "moved_up")
    return nxt


# --- online participation: the join link through the meetings app's video provider ---------


@dataclass(frozen=True)
class OnlineAccess:
    """What the personal registration page says about taking part online."""

    offered: bool  # the event can be joined online
    confirmed: bool  # this registration has a place
    opens: datetime | None
    closes: datetime | None
    now: datetime

    @property
    def open_now(self) -> bool:
        return bool(self.opens and self.closes and self.opens <= self.now < self.closes)

    @property
    def usable(self) -> bool:
        return self.offered and self.confirmed and self.open_now


def _video_room(conference: Conference) -> VideoRoom:
    # Not guessable (a Jitsi room is open to whoever knows its name) and stable per event.
    digest = salted_hmac("rathaus.participation.video", str(conference.pk)).hexdigest()[:20]
    return VideoRoom(
        video_room=f"beteiligung-{conference.pk}-{digest}",
        title=conference.title,
        start=conference.starts_at,
        end=conference.ends_at,
    )


def online_access(*, registration: Registration, now: datetime | None = None) -> OnlineAccess:
    now = now_or(now)
    conference = registration.conference
    opens = closes = None
    if conference.online:
        opens, closes = event_video_window(_video_room(conference))
    return OnlineAccess(
        offered=conference.online,
        confirmed=registration.status == Status.CONFIRMED,
        opens=opens,
        closes=closes,
        now=now,
    )


def registration_online_url(*, registration: Registration, now: datetime | None = None) -> str:
    """The join link for a confirmed registration inside the join window, else a clear refusal.
    Nothing is stored; the provider's room (BigBlueButton) is created on the way."""
    access = online_access(registration=registration, now=now)
    conference = registration.conference
    if not access.offered:
        raise DomainError(
            "online_not_offered",
            _("Diese Veranstaltung findet nur vor Ort statt."),
            status=404,
        )
    if not access.confirmed:
        raise DomainError(
            "online_not_confirmed",
            _("Der Link zur Online-Teilnahme ist nur für Anmeldungen mit bestätigtem Platz."),
            status=403,
        )
    if not access.open_now:
        when = formats.date_format(timezone.localtime(access.opens), "j. F Y, H:i")
        message = (
            _("Die Veranstaltung ist vorbei.")
            if access.now >= access.closes
            else _("Der Link zur Online-Teilnahme ist ab %(when)s Uhr freigeschaltet.")
            % {"when": when}
        )
        raise DomainError("online_closed", message, status=409)
    if conference.online_url:
        return conference.online_url
    return event_video_url(
        room=_video_room(conference), name=registration.name, key=f"r{registration.pk}"
    )
