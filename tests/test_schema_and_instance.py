"""Starting up: two `tracker init-db` at once on a fresh database, and a read-only instance folder."""
from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

TRACKER = [sys.executable, "-c", "from tracker.__main__ import main; main()"]


def tracker(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*TRACKER, *args], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120, **kwargs)


def init_db_twice_at_once(env: dict) -> list[subprocess.CompletedProcess]:
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda _: tracker(["init-db"], env), range(2)))


def assert_both_succeeded(results: list[subprocess.CompletedProcess]) -> None:
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "up to date" in result.stdout


def test_two_init_db_at_once_on_a_fresh_sqlite_database(tmp_path):
    env = {"TRACKER_INSTANCE_PATH": str(tmp_path), "TRACKER_SECRET_KEY": "x" * 32}
    assert_both_succeeded(init_db_twice_at_once(env))
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_two_init_db_at_once_on_a_fresh_postgresql_database(tmp_path, fresh_postgres):
    env = {"TRACKER_INSTANCE_PATH": str(tmp_path), "TRACKER_SECRET_KEY": "x" * 32,
           "TRACKER_DATABASE_URL": fresh_postgres}
    assert_both_succeeded(init_db_twice_at_once(env))


READ_ONLY_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def run_on_read_only_folder(folder: Path, command: list[str], env: dict) -> subprocess.CompletedProcess:
    """Root writes through any permission bits, so as root the folder is mounted read-only in a
    mount namespace of the command's own; as another user its mode is enough."""
    if os.getuid() != 0:
        folder.chmod(0o555)
        try:
            return tracker(command, env)
        finally:
            folder.chmod(0o755)
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only folder as root here: unshare -m: {probe.stderr.decode().strip()}")
    return subprocess.run(["unshare", "-m", "sh", "-c", READ_ONLY_MOUNT, str(folder), *TRACKER, *command],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", [["init-db"], ["serve", "--port", "1"]])
def test_a_read_only_instance_folder_refuses_to_start(tmp_path, command):
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "secret_key").write_text("x" * 64)
    result = run_on_read_only_folder(folder, command, {"TRACKER_INSTANCE_PATH": str(folder)})
    assert result.returncode != 0
    assert f"The instance folder {folder} is not writable" in result.stderr
    assert "Traceback" not in result.stderr
