"""Backup and restore on PostgreSQL: a populated database comes back intact in a fresh one."""

import io
import tarfile
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from rathaus.core.backup import (
    BackupError,
    Database,
    backup_create,
    backup_restore,
    database_digests,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A weekday morning in term time: the demo books appointments, plans a period and counts
# an election around it, whatever day the test runs.
NOW = datetime(2026, 11, 17, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))

# What the issue names: every appointment, plan, result and audit entry.
KEPT = (
    "appointments.Appointment",
    "presence.PlanAssignment",
    "presence.PlanVersion",
    "elections.Result",
    "core.AuditEntry",
)


@pytest.fixture
def fresh_database():
    """An empty database beside the test database; dropped afterwards."""
    source = Database.from_settings()
    fresh = Database(**{**source.__dict__, "name": f"{source.name}_restore"})
    admin = {k: v for k, v in {"host": source.host, "port": source.port}.items() if v}
    admin.update({k: v for k, v in {"user": source.user, "password": source.password}.items() if v})
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{fresh.name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{fresh.name}"')
    yield fresh
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{fresh.name}" WITH (FORCE)')


@pytest.fixture
def uploads(tmp_path):
    """An upload folder with files in it (a paper and a scanned form in a subfolder)."""
    before = tmp_path / "uploads-before"
    (before / "2026" / "11").mkdir(parents=True)
    (before / "2026" / "11" / "vorlage.pdf").write_bytes(b"%PDF-1.7 Vorlage " * 100)
    (before / "antrag.txt").write_text("Antrag auf Umbau des Bürgerbüros\n", encoding="utf-8")
    return before


def _rows(database: Database, label: str) -> list[tuple]:
    table = apps.get_model(label)._meta.db_table
    params = {"dbname": database.name, "host": database.host, "port": database.port}
    params.update({"user": database.user, "password": database.password})
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as conn:
        return conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()  # noqa: S608


def test_a_populated_database_is_restored_intact_into_a_fresh_one(
    tmp_path, fresh_database, uploads
):
    call_command("load_demo", now=NOW)
    connection.close()  # the demo's writes are committed; the dump runs in its own session
    source = Database.from_settings()
    archive = tmp_path / "rathaus.tar"

    manifest = backup_create(target=archive, database=source, roots={"uploads": uploads})
    restored_uploads = tmp_path / "uploads-after"
    backup_restore(source=archive, database=fresh_database, roots={"uploads": restored_uploads})

    for label in KEPT:
        before = _rows(source, label)
        assert before, f"the demo has no {label} rows to back up"
        assert _rows(fresh_database, label) == before, label
    assert database_digests(fresh_database) == database_digests(source) == manifest["tables"]
    assert (restored_uploads / "2026" / "11" / "vorlage.pdf").read_bytes() == (
        uploads / "2026" / "11" / "vorlage.pdf"
    ).read_bytes()
    assert (restored_uploads / "antrag.txt").read_text(encoding="utf-8").startswith("Antrag")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, uploads):
    call_command("load_demo", now=NOW)
    connection.close()
    archive = tmp_path / "rathaus.tar"
    backup_create(target=archive, roots={"uploads": uploads})
    with pytest.raises(BackupError, match="nicht leer"):
        backup_restore(source=archive, roots={"uploads": tmp_path / "after"})


def test_a_damaged_dump_is_found_before_anything_is_restored(tmp_path, fresh_database, uploads):
    archive = tmp_path / "rathaus.tar"
    backup_create(target=archive, roots={"uploads": uploads})
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as good, tarfile.open(damaged, "w") as bad:
        for member in good.getmembers():
            data = good.extractfile(member)
            if member.name == "database.dump":
                content = bytearray(data.read())
                content[len(content) // 2] ^= 0xFF
                member.size = len(content)
                bad.addfile(member, io.BytesIO(bytes(content)))
            else:
                bad.addfile(member, data)
    with pytest.raises(BackupError, match="beschädigt"):
        backup_restore(source=damaged, database=fresh_database, roots={"uploads": tmp_path / "x"})
    assert database_digests(fresh_database) == {}


def test_the_commands_back_up_and_read_the_manifest(tmp_path, capsys):
    target = tmp_path / "sicherung.tar"
    call_command("backup", str(target))
    assert "Sicherung" in capsys.readouterr().out
    call_command("restore", str(target), "--check-only")
    assert "Tabellen" in capsys.readouterr().out
