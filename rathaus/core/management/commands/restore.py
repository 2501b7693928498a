"""Restore an archive of ``manage.py backup`` into an empty database and check it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rathaus.core.backup import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung in die (leere) Datenbank aus DATABASE_URL und die Dateiablagen "
        "wieder her und prüft jede Tabelle und Datei gegen das Manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Archiv von manage.py backup")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="Nur das Manifest lesen und anzeigen, nichts wiederherstellen.",
        )

    def handle(self, *args, source, check_only=False, **options):
        try:
            if check_only:
                manifest = backup_read_manifest(Path(source))
            else:
                manifest = backup_restore(source=Path(source))
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(count for count, _digest in manifest["tables"].values())
        verb = "enthält" if check_only else "wiederhergestellt und geprüft:"
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung vom {manifest['created']} {verb} {len(manifest['tables'])} "
                f"Tabellen, {rows} Zeilen, {len(manifest['files'])} Dateien."
            )
        )
