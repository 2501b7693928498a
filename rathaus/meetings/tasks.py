from celery import shared_task


@shared_task
def plan_series():
    from rathaus.meetings.services import maintenance

    return maintenance.series_plan_all()


@shared_task
def carry_overdue_assignments():
    from rathaus.meetings.services import maintenance

    return maintenance.assignments_carry_overdue()


@shared_task
def check_rhythm():
    from rathaus.meetings.services import maintenance

    return maintenance.series_rhythm_check_all()


@shared_task
def send_reminders():
    from rathaus.meetings.services import maintenance

    return maintenance.meetings_send_reminders()
