"""Background jobs of participation (two lines each; the work is in services).

Each task imports its service inside (house rule 6), so that services may queue tasks without
an import cycle; hence the PLC0415 exceptions.
"""

from datetime import date, datetime

from celery import shared_task


@shared_task(name="rathaus.participation.tasks.purge_personal_data", ignore_result=True)
def purge_personal_data() -> int:
    """Retention of participants' personal data (beat: daily)."""
    from rathaus.participation.services import maintenance

    return maintenance.participants_purge_expired().participants


@shared_task(name="rathaus.participation.tasks.send_registration_mail", ignore_result=True)
def send_registration_mail(registration_id: int, kind: str, token: str = "") -> bool:
    """Conference registration: confirmed, on the waiting list, moved up."""
    from rathaus.participation.mails import registration_mail

    return registration_mail(registration_id=registration_id, kind=kind, token=token)


@shared_task(name="rathaus.participation.tasks.send_weekly_digests", ignore_result=True)
def send_weekly_digests() -> int:
    """The weekly district digest: queues one task per batch of followers (beat: Mondays)."""
    from rathaus.participation.services import digest

    return digest.digests_fan_out()


@shared_task(name="rathaus.participation.tasks.send_digest_batch", ignore_result=True)
def send_digest_batch(district_id: int, week: str, follower_ids: list[int], now: str) -> int:
    """One batch of the weekly digest (idempotent per follower and week)."""
    from rathaus.participation.services import digest

    return digest.digest_send_batch(
        district_id=district_id,
        week=date.fromisoformat(week),
        follower_ids=follower_ids,
        now=datetime.fromisoformat(now),
    )


@shared_task(name="rathaus.participation.tasks.send_follow_confirmation", ignore_result=True)
def send_follow_confirmation(follower_id: int) -> bool:
    """Double opt-in link for following a district."""
    from rathaus.participation.mails import follow_confirmation

    return follow_confirmation(follower_id=follower_id)


@shared_task(name="rathaus.participation.tasks.send_author_notice", ignore_result=True)
def send_author_notice(kind: str, model: str, pk: int) -> bool:
    """An author hears about moderation or the status of their idea."""
    from rathaus.participation.mails import author_notice

    return author_notice(kind=kind, model=model, pk=pk)
