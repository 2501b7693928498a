"""Back up the database (pg_dump, custom format) and the uploaded files into one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rathaus.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sichert Datenbank und hochgeladene Dateien in ein Archiv (siehe docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "target",
            nargs="?",
            help="Archivdatei oder Ordner (Standard: var/backups/rathaus-<Zeitpunkt>.tar)",
        )

    def handle(self, *args, target=None, **options):
        path = Path(target or "var/backups")
        if path.is_dir() or target is None:
            path.mkdir(parents=True, exist_ok=True)
            path = path / f"rathaus-{timezone.now():%Y%m%dT%H%M%SZ}.tar"
        try:
            manifest = backup_create(target=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(count for count, _digest in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung {path}: {len(manifest['tables'])} Tabellen, {rows} Zeilen, "
                f"{len(manifest['files'])} Dateien."
            )
        )
