"""The demo town loads completely, and loading it again changes nothing."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from rathaus.core.models import Employee, KitPool, Municipality, OrgUnit, Room, User

SKIP_MODELS = {"sessions.Session", "axes.AccessLog", "axes.AccessAttempt", "admin.LogEntry"}


def fingerprint():
    rows = {}
    for model in apps.get_models():
        if model._meta.label in SKIP_MODELS:
            continue
        rows[model._meta.label] = model.objects.count()
    return rows


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_demo_town_is_complete_and_idempotent(capsys):
    call_command("load_demo")
    printed = capsys.readouterr().out
    assert "buergerbuero" in printed and "rathaus-demo" in printed
    # the apps' own demo logins are printed too, with their roles' labels
    assert "gremienbuero" in printed and "Gremienbüro" in printed
    assert "koordination" in printed and "Koordination Region" in printed
    town = Municipality.objects.get(slug="musterstadt")
    assert Municipality.objects.filter(region=town.region).count() == 3
    assert 180 <= Employee.objects.filter(municipality=town).count() <= 220
    assert 10 <= OrgUnit.objects.filter(municipality=town, kind="office").count() <= 14
    rooms = Room.objects.filter(municipality=town)
    assert 85 <= rooms.count() <= 95 and set(rooms.values_list("capacity_normal", flat=True)) == {
        1,
        2,
        3,
    }
    assert (
        Employee.objects.filter(municipality=town, org_unit__code="33", job_role="clerk").count()
        == 12
    )
    pool = KitPool.objects.get(municipality=town)

    today = timezone.localdate()
    assert pool.stock_on(today) == 60 and pool.stock_on(today + timedelta(days=21)) == 80
    for role_login in (
        "mitarbeiterin",
        "teamleitung",
        "planung",
        "buergerbuero",
        "wahlamt",
        "buergermeisterin",
        "admin",
        "regionadmin",
    ):
        assert User.objects.get(username=role_login).roles
    before = fingerprint()
    call_command("load_demo")
    assert fingerprint() == before
