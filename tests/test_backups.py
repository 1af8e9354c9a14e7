"""`tracker backup` / `tracker restore`: a round trip gives back every row of every table and
every uploaded file; a damaged, foreign or other-database archive is refused and changes nothing."""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select, text

from tracker.demo import load_demo
from tracker.extensions import db

pytestmark = pytest.mark.both_databases


def every_row() -> dict[str, list[tuple]]:
    """Each table's rows, sorted, as the database holds them now."""
    metadata = MetaData()
    metadata.reflect(db.engine)
    with db.engine.connect() as connection:
        return {name: sorted(tuple(map(repr, row)) for row in connection.execute(select(table)))
                for name, table in metadata.tables.items()}


def every_file(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.is_dir() else {}


@pytest.fixture
def demo(app):
    """The demo city (every kind of row) and two uploaded files, one of them binary."""
    uploads = Path(app.config["UPLOAD_FOLDER"])
    with app.app_context():
        load_demo()
        db.session.remove()
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "evidence-1.jpg").write_bytes(bytes(range(256)) * 40)
    (uploads / "整改报告.pdf").write_bytes(b"%PDF-1.7\n...")
    return uploads


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def snapshot(app, uploads: Path) -> tuple[dict, dict]:
    with app.app_context():
        return every_row(), every_file(uploads)


def test_a_restore_gives_back_every_row_and_every_file(app, demo, tmp_path):
    archive = tmp_path / "tracker-backup.tar.gz"
    before = snapshot(app, demo)
    assert sum(len(rows) for rows in before[0].values()) > 300

    made = run(app, "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert "2 uploaded files" in made.output

    with app.app_context():  # the week goes on after the backup: rows go, rows come, files change
        db.session.execute(text("DELETE FROM commitment_events"))
        db.session.execute(text("UPDATE cases SET title = 'changed after the backup'"))
        db.session.commit()
    (demo / "evidence-1.jpg").write_bytes(b"overwritten")
    (demo / "later.png").write_bytes(b"added after the backup")
    assert snapshot(app, demo) != before

    restored = run(app, "restore", "--yes", str(archive))
    assert restored.exit_code == 0, restored.output
    assert snapshot(app, demo) == before
    kept = list(demo.parent.glob(f"{demo.name}.before-restore-*"))
    assert len(kept) == 1 and (kept[0] / "later.png").read_bytes() == b"added after the backup"


def test_restore_asks_before_it_replaces_anything(app, demo, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    assert run(app, "backup", str(archive)).exit_code == 0
    (demo / "later.png").write_bytes(b"x")
    answered_no = app.test_cli_runner().invoke(args=["restore", str(archive)], input="n\n")
    assert answered_no.exit_code == 1 and "Aborted" in answered_no.output
    assert (demo / "later.png").exists()


def rewrite(archive: Path, target: Path, change) -> None:
    """Copy `archive` to `target`, passing each member's (name, bytes) through `change`."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


def damage(name: str, data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("uploads/") else data


def other_database(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["database"] = "postgresql" if manifest["database"] == "sqlite" else "sqlite"
    return json.dumps(manifest).encode()


@pytest.mark.parametrize(("change", "message"), [
    (damage, "does not match the manifest"),
    (other_database, "Restore it into a deployment of the same kind"),
])
def test_a_damaged_or_foreign_archive_changes_nothing(app, demo, tmp_path, change, message):
    archive, bad = tmp_path / "backup.tar.gz", tmp_path / "bad.tar.gz"
    assert run(app, "backup", str(archive)).exit_code == 0
    rewrite(archive, bad, change)
    with app.app_context():
        db.session.execute(text("UPDATE cases SET title = 'after the backup'"))
        db.session.commit()
    before = snapshot(app, demo)

    refused = run(app, "restore", "--yes", str(bad))
    assert refused.exit_code == 1 and message in refused.output
    assert snapshot(app, demo) == before
    assert not list(demo.parent.glob(f"{demo.name}.before-restore-*"))


def test_a_file_that_is_not_a_backup_is_refused(app, demo, tmp_path):
    plain = tmp_path / "notes.tar.gz"
    with tarfile.open(plain, "w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        archive.addfile(info, io.BytesIO(b""))
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not an archive")
    for source in (plain, text_file):
        refused = run(app, "restore", "--yes", str(source))
        assert refused.exit_code == 1 and "not a tracker backup" in refused.output


def older_schema(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    return json.dumps({**json.loads(data), "revision": "0001"}).encode()


def test_an_older_backup_is_refused_only_where_it_would_leave_newer_tables(app, demo, tmp_path):
    archive, older = tmp_path / "backup.tar.gz", tmp_path / "older.tar.gz"
    assert run(app, "backup", str(archive)).exit_code == 0
    rewrite(archive, older, older_schema)
    result = run(app, "restore", "--yes", str(older))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert result.exit_code == 0, result.output  # the whole file is replaced, then upgraded
    else:
        assert result.exit_code == 1 and "newer than the backup's (0001)" in result.output
