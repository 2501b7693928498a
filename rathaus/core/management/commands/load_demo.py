import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rathaus.core.demo import DEMO_PASSWORD, DEMO_USERS, load_core

DEMO_APPS = (
    "appointments",
    "presence",
    "elections",
    "steering",
    "meetings",
    "participation",
    "staffpool",
    "standards",
)


class Command(BaseCommand):
    help = "Loads the demo region with the town Musterstadt (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force-production", action="store_true", help="Allow loading demo data in production."
        )

    def handle(self, *args, force_production=False, **options):
        if settings.PRODUCTION and not force_production:
            raise CommandError("Demo data is not loaded in production (use --force-production).")
        town = load_core()
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"rathaus.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"rathaus.{app}.demo":
                    raise
                continue
            module.load(town)
        self.stdout.write(self.style.SUCCESS(f"Demo-Kommune „{town.name}“ ist geladen."))
        self.stdout.write(f"Demo-Anmeldungen (Passwort für alle: {DEMO_PASSWORD}):")
        for username, _roles, label in DEMO_USERS:
            self.stdout.write(f"  {username:<22} {label}")
        self.stdout.write(f"  {'regionadmin':<22} Administration Region")
        self.stdout.write("Bürgerinnen und Bürger buchen ohne Anmeldung.")
