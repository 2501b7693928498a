from celery import shared_task


@shared_task
def publish_daily():
    from rathaus.standards.services import maintenance

    return maintenance.standards_daily()
