"""Background jobs of the staff pool (two lines each; they import their service inside, the
one place where the house style allows it: the worker loads tasks before the apps)."""

from celery import shared_task


@shared_task(name="rathaus.staffpool.tasks.remind_ending", ignore_result=True)
def remind_ending() -> int:
    """Reminders before secondments end, and finished requests closed (beat: daily)."""
    from rathaus.staffpool.services.maintenance import (
        requests_close_finished,
        secondments_remind_ending,
    )

    requests_close_finished()
    return secondments_remind_ending()


@shared_task(name="rathaus.staffpool.tasks.alert_members", ignore_result=True)
def alert_members(request_id: int) -> int:
    """Mails the pool members who could serve a newly opened request."""
    from rathaus.staffpool.services.alerts import request_alert_members

    return request_alert_members(request_id=request_id)
