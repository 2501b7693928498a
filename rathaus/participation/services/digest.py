"""The weekly district digest: following a district (double opt-in) and the fan-out.

``digests_fan_out`` (beat: Mondays) splits the confirmed followers of every district into
batches and queues one Celery task per batch; ``digest_send_batch`` claims its followers for
the week with one conditional UPDATE (``last_week < this Monday``) and mails only the rows it
claimed — so a second run, a retried task or two workers never send a second digest in the
same week (at most once: a crash after the claim skips that week for the batch).
A district with nothing new gets no e-mail that week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.participation import conf, mails
from rathaus.participation.models import District, DistrictFollower
from rathaus.participation.selectors.digest import district_news
from rathaus.participation.tasks import send_digest_batch, send_follow_confirmation
from rathaus.participation.text import optional_email


def week_of(now: datetime) -> date:
    """Monday of the (Europe/Berlin) week of ``now``."""
    today = timezone.localdate(now)
    return today - timedelta(days=today.weekday())


@transaction.atomic
def follower_subscribe(
    *, district: District, email: str, consent: bool, now: datetime | None = None
) -> DistrictFollower:
    """Record the wish and mail a confirmation link; nothing is sent before it is clicked.
    Subscribing again (e.g. the first mail got lost) sends the link again."""
    now = now_or(now)
    email = optional_email(email, required=True).lower()
    if not consent:
        raise DomainError(
            "consent_required",
            _("Bitte stimmen Sie den Hinweisen zum Datenschutz zu."),
            errors=[{"field": "consent", "message": _("Pflichtfeld")}],
        )
    follower = DistrictFollower.objects.filter(district=district, email=email).first()
    if follower is None:
        try:
            with transaction.atomic():
                follower = DistrictFollower.objects.create(
                    municipality_id=district.municipality_id,
                    district=district,
                    email=email,
                    created_at=now,
                )
        except IntegrityError:  # the same address at the same moment: one row wins
            follower = DistrictFollower.objects.get(district=district, email=email)
    pk = follower.pk
    transaction.on_commit(lambda: send_follow_confirmation.delay(pk))
    return follower


@transaction.atomic
def follower_confirm(*, follower: DistrictFollower, now: datetime | None = None) -> None:
    if follower.confirmed_at is None:
        follower.confirmed_at = now_or(now)
        follower.save(update_fields=["confirmed_at"])
        audit.record(actor=None, instance=follower, action="update", summary="confirmed")


@transaction.atomic
def follower_unsubscribe(*, follower: DistrictFollower) -> None:
    audit.record(actor=None, instance=follower, action="delete", summary="unsubscribed")
    follower.delete()


def _due(week: date):
    return DistrictFollower.objects.filter(confirmed_at__isnull=False).filter(
        Q(last_week__isnull=True) | Q(last_week__lt=week)
    )


def digests_fan_out(*, now: datetime | None = None, batch_size: int | None = None) -> int:
    """Queue one task per batch of followers still due this week; returns the batch count."""
    now = now_or(now)
    batch_size = batch_size or conf.digest_batch_size()
    week = week_of(now)
    batches = 0
    for district_id in _due(week).values_list("district_id", flat=True).distinct():
        ids = list(
            _due(week).filter(district_id=district_id).order_by("pk").values_list("pk", flat=True)
        )
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            send_digest_batch.delay(district_id, week.isoformat(), chunk, now.isoformat())
            batches += 1
    return batches


def digest_send_batch(
    *, district_id: int, week: date, follower_ids: list[int], now: datetime | None = None
) -> int:
    """Claim the followers of ``follower_ids`` still due in ``week`` and mail them the news
    of the seven days before ``now``; returns the number of e-mails sent."""
    now = now_or(now)
    with transaction.atomic():
        claimed = list(
            _due(week)
            .select_for_update(skip_locked=True)
            .filter(district_id=district_id, pk__in=follower_ids)
        )
        DistrictFollower.objects.filter(pk__in=[f.pk for f in claimed]).update(last_week=week)
    if not claimed:
        return 0
    district = District.objects.select_related("municipality").get(pk=district_id)
    news = district_news(district, since=now - timedelta(days=7), until=now)
    if news.empty:
        return 0
    return mails.send_digests(claimed, news)
