"""Backup and restore: the PostgreSQL database and the uploaded files in one archive.

An archive is a tar file with three kinds of members:

- ``database.dump``: ``pg_dump --format=custom`` of the whole database (schema and rows);
- ``files/<label>/…``: every uploaded file, one folder per storage (``label`` names the first
  model field that stores files there, e.g. ``meetings.Document.file``);
- ``manifest.json``: when and from which database, and per table its row count and a digest of
  its rows, per file its SHA-256 — so a restore proves that it brought back what was saved.

A restore goes into an empty database (``createdb`` first); it loads the dump, checks every
table's count and digest against the manifest, then puts the files back and checks theirs.
Runbook: docs/operations.md "Backup and restore".
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess  # noqa: S404 - pg_dump and pg_restore are the tools for the job
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from psycopg import sql

FORMAT = "rathaus-backup/1"
DUMP = "database.dump"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup or restore cannot be done or did not come out intact."""


@dataclass(frozen=True)
class Database:
    """Where a database is: the keyword arguments of ``psycopg.connect`` and pg_dump."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, alias: str = "default", name: str | None = None) -> Database:
        conf = settings.DATABASES[alias]
        if not conf["ENGINE"].endswith("postgresql"):
            raise BackupError("Sicherung und Wiederherstellung brauchen PostgreSQL.")
        return cls(
            name=name or conf["NAME"],
            host=str(conf.get("HOST") or ""),
            port=str(conf.get("PORT") or ""),
            user=str(conf.get("USER") or ""),
            password=str(conf.get("PASSWORD") or ""),
        )

    def tool_args(self) -> list[str]:
        args = [f"--dbname={self.name}"]
        for flag, value in (
            ("--host", self.host),
            ("--port", self.port),
            ("--username", self.user),
        ):
            if value:
                args.append(f"{flag}={value}")
        return args

    def tool_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


# --- digests -----------------------------------------------------------------------------


def table_digests(cursor) -> dict[str, list]:
    """Row count and an MD5 over the rows' MD5s (sorted) of every table in the schema.

    Hashing each row first keeps memory at 32 bytes per row; the session settings make the
    text of timestamps and floats the same on any server.
    """
    for setting in ("TIME ZONE 'UTC'", "DateStyle = 'ISO, YMD'", "extra_float_digits = 1"):
        cursor.execute(f"SET {setting}")
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [row[0] for row in cursor.fetchall()]
    digests = {}
    for table in tables:
        cursor.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(r, '' ORDER BY r), '')) "
                "FROM (SELECT md5(t::text) AS r FROM {} AS t) AS rows"
            ).format(sql.Identifier(table))
        )
        count, digest = cursor.fetchone()
        digests[table] = [count, digest]
    return digests


def _connect(database: Database) -> psycopg.Connection:
    params = {"dbname": database.name, "host": database.host, "port": database.port}
    params.update({"user": database.user, "password": database.password})
    return psycopg.connect(**{k: v for k, v in params.items() if v})


def database_digests(database: Database) -> dict[str, list]:
    """``table_digests`` of a database reached by a connection of its own."""
    with _connect(database) as conn, conn.cursor() as cur:
        return table_digests(cur)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- uploaded files ----------------------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """Folders that hold uploaded files: one per storage of a model's file field, and MEDIA_ROOT."""
    roots: dict[str, Path] = {}
    for model in apps.get_models():
        for field in model._meta.fields:
            storage = getattr(field, "storage", None)
            location = getattr(storage, "location", None)
            if isinstance(field, models.FileField) and location:
                path = Path(location).resolve()
                if path not in roots.values():
                    roots[f"{model._meta.label}.{field.name}"] = path
    media = getattr(settings, "MEDIA_ROOT", "")
    if media and Path(media).resolve() not in roots.values():
        roots["MEDIA_ROOT"] = Path(media).resolve()
    return roots


def _files_of(roots: dict[str, Path]) -> dict[str, tuple[Path, str]]:
    """Archive name → (file on disk, SHA-256) of every file below the roots."""
    found = {}
    for label, root in roots.items():
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            found[f"files/{label}/{path.relative_to(root).as_posix()}"] = (path, _sha256(path))
    return found


# --- backup ------------------------------------------------------------------------------


def backup_create(
    *, target: Path, database: Database | None = None, roots: dict[str, Path] | None = None
) -> dict:
    """Writes the archive ``target``; returns its manifest."""
    database = database or Database.from_settings()
    roots = file_roots() if roots is None else roots
    with tempfile.TemporaryDirectory(prefix="rathaus-backup-") as work:
        dump = Path(work) / DUMP
        tables = _dump_with_digests(database, dump)
        files = _files_of(roots)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": database.name,
            "tables": tables,
            "files": {name: sha for name, (_path, sha) in files.items()},
            "dump_sha256": _sha256(dump),
        }
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname=DUMP)
            for name, (path, _sha) in files.items():
                archive.add(path, arcname=name)
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
        partial.replace(target)  # a half-written archive never carries the final name
    return manifest


def _dump_with_digests(database: Database, dump: Path) -> dict[str, list]:
    """pg_dump and the tables' digests from one snapshot, so writes while it runs cannot
    make the manifest disagree with the dump (the site stays up during a backup)."""
    with _connect(database) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    *database.tool_args(),
                ],
                database,
            )
            return table_digests(cur)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _run(command: list[str], database: Database) -> None:
    result = subprocess.run(  # noqa: S603 - fixed tool names, arguments from settings
        command, env=database.tool_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} ist fehlgeschlagen: {result.stderr.strip()[:2000]}")


# --- restore -----------------------------------------------------------------------------


def backup_read_manifest(source: Path) -> dict:
    with tarfile.open(source, "r") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError("Das Archiv enthält kein Manifest.")
        manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError("Das Archiv ist keine Rathaus-Sicherung.")
    return manifest


def backup_restore(
    *, source: Path, database: Database | None = None, roots: dict[str, Path] | None = None
) -> dict:
    """Restores ``source`` into the (empty) database and the file folders; checks both.

    Raises ``BackupError`` when the database is not empty, a tool fails, or a table or file
    differs from the manifest.
    """
    database = database or Database.from_settings()
    roots = file_roots() if roots is None else roots
    manifest = backup_read_manifest(source)
    if database_digests(database):
        raise BackupError(
            f"Die Datenbank {database.name} ist nicht leer: bitte in eine neue Datenbank "
            "wiederherstellen (createdb)."
        )
    with tempfile.TemporaryDirectory(prefix="rathaus-restore-") as work:
        with tarfile.open(source, "r") as archive:
            archive.extractall(work, filter="data")
        dump = Path(work) / DUMP
        if _sha256(dump) != manifest["dump_sha256"]:
            raise BackupError("Der Datenbank-Dump im Archiv ist beschädigt.")
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *database.tool_args(),
                str(dump),
            ],
            database,
        )
        _check_tables(manifest, database_digests(database))
        _restore_files(manifest, Path(work), roots)
    return manifest


def _check_tables(manifest: dict, restored: dict[str, list]) -> None:
    differing = sorted(
        table
        for table in set(manifest["tables"]) | set(restored)
        if manifest["tables"].get(table) != restored.get(table)
    )
    if differing:
        raise BackupError("Nach der Wiederherstellung weichen Tabellen ab: " + ", ".join(differing))


def _restore_files(manifest: dict, work: Path, roots: dict[str, Path]) -> None:
    for name, sha in manifest["files"].items():
        _prefix, label, relative = name.split("/", 2)
        if label not in roots:
            raise BackupError(f"Für die Dateien von {label} gibt es hier keinen Ablageort.")
        target = roots[label] / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / name, target)
        if _sha256(target) != sha:
            raise BackupError(f"Die Datei {name} ist nach der Wiederherstellung beschädigt.")
