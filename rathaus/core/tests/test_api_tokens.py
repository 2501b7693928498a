"""Staff API tokens: issued and revoked by the right people, hashed, audited (issue 9, item 17)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from rathaus.core.api.tokens import api_token_issue, api_token_revoke
from rathaus.core.models import ApiToken, AuditEntry, Role
from rathaus.core.problems import DomainError

pytestmark = pytest.mark.django_db


def _me(client, raw):
    return client.get("/api/v1/core/me", headers={"Authorization": f"Bearer {raw}"})


def test_an_admin_issues_a_token_in_the_admin_and_it_is_shown_once(client, make_user, town):
    admin_user = make_user(Role.MUNICIPALITY_ADMIN, municipality=town, username="adm")
    clerk = make_user(Role.CLERK, municipality=town, username="schalter1")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_apitoken_add"), {"user": clerk.pk, "name": "Aufrufanlage"}, follow=True
    )
    raw = re.search(
        r"API-Schlüssel für schalter1: (\S+) – jetzt kopieren", response.content.decode()
    )
    assert raw, response.content.decode()[:2000]
    token = ApiToken.objects.get(user=clerk)
    assert token.token_hash != raw.group(1) and len(token.token_hash) == 64
    client.logout()
    assert _me(client, raw.group(1)).json()["username"] == "schalter1"
    entry = AuditEntry.objects.get(object_type="core.ApiToken", action="create")
    assert entry.municipality_id == town.pk and raw.group(1) not in str(entry.changes)


def test_no_token_for_someone_with_more_rights_or_elsewhere(make_user, town, other_town):
    admin_user = make_user(Role.MUNICIPALITY_ADMIN, municipality=town)
    officer = make_user(Role.ELECTION_OFFICER, municipality=town)
    stranger = make_user(Role.CLERK, municipality=other_town)
    for user in (officer, stranger):
        with pytest.raises(DomainError):
            api_token_issue(actor=admin_user, user=user, name="x")
    with pytest.raises(DomainError):
        api_token_issue(actor=admin_user, user=admin_user, name="a\nb")


def test_revoked_tokens_stop_working_and_revoking_is_audited(client, make_user, town):
    clerk = make_user(Role.CLERK, municipality=town)
    token, raw = api_token_issue(actor=clerk, user=clerk, name="Skript")
    assert _me(client, raw).status_code == 200
    api_token_revoke(actor=clerk, token=token)
    assert _me(client, raw).status_code == 401
    assert AuditEntry.objects.filter(object_type="core.ApiToken", action="delete").exists()


def test_operators_issue_and_revoke_on_the_command_line(client, make_user, town, capsys):
    make_user(Role.CLERK, municipality=town, username="cli")
    call_command("api_token", "issue", "cli", "Kiosk")
    token_id, raw = capsys.readouterr().out.split()
    assert _me(client, raw).status_code == 200
    call_command("api_token", "revoke", token_id)
    assert _me(client, raw).status_code == 401
