"""Run the periodic jobs without Celery beat: call every minute from cron (docs/operations.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rathaus.core.maintenance import run_due_jobs


class Command(BaseCommand):
    help = "Periodische Aufgaben ausführen, die jetzt fällig sind (ohne Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument("--job", help="nur diese Aufgabe (Name aus CELERY_BEAT_SCHEDULE)")
        parser.add_argument("--list", action="store_true", help="Aufgaben auflisten")

    def handle(self, *args, job=None, list=False, **options):
        if list:
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
                self.stdout.write(f"{name}\t{entry['task']}\t{entry['schedule']}")
            return
        if job and job not in settings.CELERY_BEAT_SCHEDULE:
            raise CommandError(f"Unbekannte Aufgabe: {job}")
        for name, result in run_due_jobs(only=job).items():
            self.stdout.write(f"{name}: {result}")
