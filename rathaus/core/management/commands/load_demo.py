import importlib
import time
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from rathaus.core.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_USERS,
    demo_second_factors,
    load_core,
    name_app_logins,
)
from rathaus.core.models import User

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
        parser.add_argument(
            "--now",
            type=_moment,
            default=None,
            help="Load the demo as at this moment (ISO date and time, e.g. 2026-12-24T09:00; "
            "without a zone: the server's time zone). Default: now.",
        )

    def handle(self, *args, force_production=False, now=None, **options):
        if settings.PRODUCTION and not force_production:
            raise CommandError("Demo data is not loaded in production (use --force-production).")
        started = time.perf_counter()
        town = load_core(now=now)
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"rathaus.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"rathaus.{app}.demo":
                    raise
                continue
            module.load(town, now=now)
        name_app_logins(town)
        second_factor_logins = demo_second_factors(town)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Demo-Kommune „{town.name}“ ist geladen ({seconds:.0f} s).")
        )
        self.stdout.write(f"Demo-Anmeldungen (Passwort für alle: {DEMO_PASSWORD}):")
        for username, _roles, label in DEMO_USERS:
            self.stdout.write(f"  {username:<22} {label}")
        self.stdout.write(f"  {'regionadmin':<22} Administration Region")
        for user in _app_demo_users(town):
            place = user.municipality.name if user.municipality else town.region.name
            roles = ", ".join(user.role_labels)
            self.stdout.write(f"  {user.username:<22} {roles} ({place})")
        self.stdout.write(
            f"Zweiter Faktor (TOTP) für {', '.join(second_factor_logins)}: "
            f"Demo-Geheimnis {DEMO_TOTP_SECRET} in einer Authenticator-App."
        )
        self.stdout.write("Bürgerinnen und Bürger buchen ohne Anmeldung.")


def _app_demo_users(town):
    """The logins the apps' demo loaders added to the region (core's are listed above)."""
    listed = {username for username, _roles, _label in DEMO_USERS} | {"regionadmin"}
    in_region = Q(municipality__region=town.region) | Q(region=town.region)
    return (
        User.objects.filter(in_region, is_superuser=False)
        .exclude(username__in=listed)
        .select_related("municipality")
        .order_by("username")
    )


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO date and time: {value!r}") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
