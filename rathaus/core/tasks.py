from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from rathaus.core.models import AuditEntry


@shared_task
def purge_old_audit_entries() -> int:
    """Audit entries are kept for RATHAUS_AUDIT_RETENTION_DAYS, then deleted."""
    cutoff = timezone.now() - timedelta(days=settings.RATHAUS_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted


@shared_task
def purge_login_attempts() -> int:
    """Login attempts (IP addresses, user names) older than the retention period."""
    from rathaus.core.maintenance import login_attempts_purge

    return login_attempts_purge()


@shared_task
def add(x: int, y: int) -> int:
    """Smoke-test task: proves a worker consumes from the broker (see tests/test_celery.py)."""
    return x + y
