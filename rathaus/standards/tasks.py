from celery import shared_task


@shared_task
def publish_daily():
    from rathaus.standards.services import maintenance

    return maintenance.standards_daily()


@shared_task
def backfill_membership(membership_id: int):
    from rathaus.standards.services import backfill

    return backfill.membership_backfill(membership_id=membership_id)
