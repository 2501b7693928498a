"""Fixtures: a real slapd and a real OpenID Connect provider, seeded for two municipalities.

Without slapd or the provider the tests are skipped with the reason, except on CI
(``CI=true``, set by ``.ci/run``), where a missing server is a failure: there
``scripts/ensure-services.sh`` installs them.
"""

from __future__ import annotations

import os

import pytest

from rathaus.core.signin.tests import servers

PEOPLE_M = "ou=people,ou=musterstadt,dc=rathaus,dc=test"
GROUPS_M = "ou=groups,ou=musterstadt,dc=rathaus,dc=test"
PEOPLE_A = "ou=people,ou=anderswo,dc=rathaus,dc=test"
GROUPS_A = "ou=groups,ou=anderswo,dc=rathaus,dc=test"
PASSWORD = "verzeichnis-passwort-1"
PLACEHOLDER = "cn=niemand,dc=rathaus,dc=test"


def _person(uid, given, surname, people):
    return f"""dn: uid={uid},{people}
objectClass: inetOrgPerson
uid: {uid}
cn: {given} {surname}
givenName: {given}
sn: {surname}
mail: {uid}.{people.split(",")[1][3:]}@example.org
userPassword: {PASSWORD}
"""


def _group(cn, groups, *members):
    lines = [f"dn: cn={cn},{groups}", "objectClass: groupOfNames", f"cn: {cn}"]
    # groupOfNames needs a member: a placeholder keeps a group whose last person leaves
    lines += [f"member: {member}" for member in (*members, PLACEHOLDER)]
    return "\n".join(lines) + "\n"


def _unit(dn, name):
    return f"dn: {dn}\nobjectClass: organizationalUnit\nou: {name}\n"


SEED = "\n".join(
    [
        "dn: dc=rathaus,dc=test\nobjectClass: dcObject\nobjectClass: organization\n"
        "o: Rathaus Test\ndc: rathaus\n",
        _unit("ou=musterstadt,dc=rathaus,dc=test", "musterstadt"),
        _unit(PEOPLE_M, "people"),
        _unit(GROUPS_M, "groups"),
        _unit("ou=anderswo,dc=rathaus,dc=test", "anderswo"),
        _unit(PEOPLE_A, "people"),
        _unit(GROUPS_A, "groups"),
        _person("anna", "Anna", "Schmidt", PEOPLE_M),
        _person("bernd", "Bernd", "Ohnegruppe", PEOPLE_M),
        # another person with the same name, in the other town's directory
        _person("anna", "Anna", "Anders", PEOPLE_A),
        _group("wahlamt", GROUPS_M, f"uid=anna,{PEOPLE_M}"),
        _group("buergerbuero", GROUPS_M, f"uid=anna,{PEOPLE_M}"),
        _group("verwaltung", GROUPS_A, f"uid=anna,{PEOPLE_A}"),
    ]
)


def _require(reason: str | None) -> None:
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} – scripts/ensure-services.sh installs it on CI")
    pytest.skip(reason)


@pytest.fixture
def slapd(tmp_path):
    _require(servers.slapd_missing_reason())
    server = servers.Slapd(tmp_path, SEED)
    yield server
    server.stop()


@pytest.fixture
def oidc_provider(tmp_path):
    _require(servers.provider_missing_reason())
    server = servers.OidcProviderProcess(
        tmp_path,
        clients=[
            {
                "client_id": "rathaus-musterstadt",
                "client_secret": "geheimnis-musterstadt-0123456789",
                "redirect_uris": ["http://testserver/konto/oidc/rueckkehr/"],
            },
            {
                "client_id": "rathaus-anderswo",
                "client_secret": "geheimnis-anderswo-0123456789",
                "redirect_uris": ["http://testserver/konto/oidc/rueckkehr/"],
            },
        ],
        accounts={
            "bea": {
                "email": "bea@example.org",
                "given_name": "Bea",
                "family_name": "Beispiel",
                "groups": ["rathaus-wahlamt", "rathaus-buergerbuero"],
            },
            "olaf": {"email": "olaf@example.org", "given_name": "Olaf", "groups": ["kantine"]},
        },
    )
    yield server
    server.stop()
