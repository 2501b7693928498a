from celery import shared_task


@shared_task
def plan_series():
    from rathaus.meetings.services import maintenance

    return maintenance.series_plan_all()


@shared_task
def carry_overdue_assignments():
    from rathaus.meetings.services import maintenance

    return maintenance.assignments_carry_overdue()
