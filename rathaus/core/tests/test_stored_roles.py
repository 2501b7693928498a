"""Roles stored before they were checked: the start page still works, the migration cleans them."""

import importlib

import pytest
from django.apps import apps

from rathaus.core.models import Role, User
from rathaus.core.navigation import entries_for

clean = importlib.import_module("rathaus.core.migrations.0002_clean_stored_roles")


@pytest.mark.django_db
def test_a_number_stored_as_roles_shows_only_the_public_entries(make_user, town):
    user = make_user(Role.CLERK, municipality=town)
    User.objects.filter(pk=user.pk).update(roles=5)
    user.refresh_from_db()
    entries = entries_for(user)
    assert all(not entry.roles for entry, _url in entries)


@pytest.mark.django_db
def test_the_migration_keeps_only_known_role_codes_as_a_list(make_user, town):
    number = make_user(Role.CLERK, municipality=town, username="number")
    text = make_user(Role.CLERK, municipality=town, username="text")
    mixed = make_user(Role.CLERK, municipality=town, username="mixed")
    User.objects.filter(pk=number.pk).update(roles=5)
    User.objects.filter(pk=text.pk).update(roles="clerk")
    User.objects.filter(pk=mixed.pk).update(roles=["clerk", "root", 7, "clerk", "planner"])
    clean.forwards(apps, None)
    roles = dict(User.objects.values_list("username", "roles"))
    assert roles["number"] == []
    assert roles["text"] == ["clerk"]
    assert roles["mixed"] == ["clerk", "planner"]


def test_the_migration_knows_every_role():
    assert set(Role.values) == clean.KNOWN
