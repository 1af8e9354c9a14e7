"""One archive holds everything a deployment cannot rebuild: the database and the evidence.

A backup is a gzip'd tar with `manifest.json` (format, database kind, schema revision, time and
each member's SHA-256), the database — SQLite's online backup of a consistent snapshot while the
server runs, or `pg_dump`'s custom format — and `uploads/`. The secret key is configuration, not
data, and stays out: keep it with the deployment's other settings.

A restore checks every member against the manifest before it touches anything, then replaces
the database in one step (SQLite's backup API; `pg_restore --single-transaction`) and swaps the
upload folder, keeping the one it replaced beside it. Stop the server first.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from ..extensions import db
from ..schema import upgrade_schema

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    database: str
    files: int
    size: int


def backup(target: Path) -> Summary:
    """Write the database and the uploads to the archive `target` (replaced only when complete)."""
    dialect = _dialect()
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMPS[dialect]
        _dump_sqlite(dump) if dialect == "sqlite" else _dump_postgresql(dump)
        members = {dump.name: dump, **{f"{UPLOADS}/{path.name}": path for path in _uploads()}}
        manifest = {"format": FORMAT, "database": dialect, "revision": _revision(),
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "files": {name: _sha256(path) for name, path in members.items()}}
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False)
        partial.replace(target)
    return Summary(dialect, len(members) - 1, target.stat().st_size)


def restore(source: Path) -> Summary:
    """Replace the database and the uploads with the archive's, after checking all of it."""
    dialect = _dialect()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        manifest = _unpack(source, dialect, folder)
        for name, digest in manifest["files"].items():
            if _sha256(folder / name) != digest:
                raise BackupError(f"{name} does not match the manifest: the archive is damaged.")
        if dialect == "postgresql":  # SQLite's backup API replaces the whole file, tables and all
            _refuse_newer_schema(manifest["revision"])
        db.session.remove()
        db.engine.dispose()
        dump = folder / DUMPS[dialect]
        _restore_sqlite(dump) if dialect == "sqlite" else _restore_postgresql(dump)
        upgrade_schema()  # an older backup comes up to this version's schema
        _swap_uploads(folder / UPLOADS)
    return Summary(dialect, len(manifest["files"]) - 1, source.stat().st_size)


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in DUMPS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def _revision() -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _uploads() -> list[Path]:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return sorted(path for path in folder.iterdir() if path.is_file()) if folder.is_dir() else []


def _database_file() -> str:
    path = db.engine.url.database
    if not path:
        raise ValueError("An in-memory SQLite database has no file to back up or restore.")
    return path


def _dump_sqlite(target: Path) -> None:
    source = sqlite3.connect(_database_file())
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)  # a consistent snapshot, even with writers at work
    finally:
        source.close()
        destination.close()


def _restore_sqlite(dump: Path) -> None:
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(_database_file(), timeout=30)
    try:
        with destination:
            source.backup(destination)  # the whole file in one step: all of it or none
    finally:
        source.close()
        destination.close()


def _libpq() -> tuple[list[str], dict[str, str]]:
    """pg_dump's connection arguments; the password goes in the environment, not on `ps`."""
    url: URL = db.engine.url
    arguments = ["--dbname", url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)]
    environment = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_postgresql(target: Path) -> None:
    arguments, environment = _libpq()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *arguments],
         environment)


def _restore_postgresql(dump: Path) -> None:
    arguments, environment = _libpq()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *arguments, str(dump)], environment)


def _unpack(source: Path, dialect: str, folder: Path) -> dict:
    try:
        with tarfile.open(source, "r:gz") as archive:
            manifest = _read_manifest(archive, dialect)
            archive.extractall(folder, filter="data")  # no absolute paths, links or `..`
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"This is not a tracker backup ({error.__class__.__name__}).") from None
    return manifest


def _read_manifest(archive: tarfile.TarFile, dialect: str) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.load(member) if member else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a tracker backup (no readable manifest.json).")
    if manifest.get("database") != dialect:
        raise BackupError(f"This backup holds a {manifest.get('database')} database; this deployment uses "
                          f"{dialect}. Restore it into a deployment of the same kind.")
    expected = {DUMPS[dialect]} | {name for name in manifest["files"] if name.startswith(f"{UPLOADS}/")}
    if set(manifest["files"]) != expected or set(archive.getnames()) != expected | {MANIFEST}:
        raise BackupError("The archive's contents do not match its manifest.")
    return manifest


def _refuse_newer_schema(backup_revision: str | None) -> None:
    """A database already past the backup's schema would keep tables the restore cannot drop."""
    current = _revision()
    if current is not None and backup_revision is not None and current > backup_revision:
        raise BackupError(f"This database's schema ({current}) is newer than the backup's ({backup_revision}); "
                          f"restore into an empty database, then start this version to upgrade it.")


def _swap_uploads(restored: Path) -> None:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    restored.mkdir(exist_ok=True)
    incoming = folder.with_name(folder.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(restored, incoming)
    if folder.exists():
        kept = folder.with_name(f"{folder.name}.before-restore-{datetime.now(UTC):%Y%m%d%H%M%S}")
        folder.rename(kept)
    incoming.rename(folder)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))
