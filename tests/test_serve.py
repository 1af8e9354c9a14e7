"""`tracker serve` as production runs it: gunicorn, the gevent worker, websockets."""
from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import socketio

from .servers import TrackerServer

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the tests that only read from it (starting one takes seconds)."""
    instance = tmp_path_factory.mktemp("serve") / "instance"
    instance.mkdir()
    srv = TrackerServer(instance)
    assert srv.run_cli("init-db").returncode == 0
    with srv:
        yield srv


def test_serve_answers_health_pages_and_static_files(server):
    assert requests.get(server.url + "/api/v1/health").json() == {
        "status": "ok", "database": "ok", "message_queue": "disabled"}
    login = requests.get(server.url + "/login")
    assert login.status_code == 200 and "csrf_token" in login.text
    css = requests.get(server.url + "/static/css/app.css")
    assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]


def test_serve_runs_gunicorn_with_the_gevent_worker(server):
    log = server.log.read_text()
    assert "Using worker: gevent" in log
    assert "Booting worker" in log


def test_websocket_transport_works(server):
    client = socketio.Client(reconnection=False)
    client.connect(server.url, transports=["websocket"], wait_timeout=10)
    assert client.transport() == "websocket"
    client.disconnect()


def test_secret_key_is_generated_once_and_kept(tmp_path):
    instance = tmp_path / "instance"
    srv = TrackerServer(instance)
    srv.run_cli("init-db")
    key_file = instance / "secret_key"
    first = key_file.read_text()
    srv.run_cli("init-db")
    assert key_file.read_text() == first and len(first) > 40
    assert (key_file.stat().st_mode & 0o777) == 0o600


def test_the_wheel_carries_templates_static_files_and_migrations(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "tracker/templates/base.html" in names
    assert "tracker/static/css/app.css" in names
    assert any(n.startswith("tracker/migrations/versions/0001") for n in names)
    assert "tracker/migrations/env.py" in names and "tracker/migrations/alembic.ini" in names
    assert any(n.endswith("zh/LC_MESSAGES/messages.mo") for n in names)

    # Installed from the wheel alone, away from the source tree, it migrates and serves.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {"PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import tracker; print(tracker.__file__)"],
                           env=env, capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout.startswith(str(target))
    instance = tmp_path / "wheel-instance"
    command = [sys.executable, "-m", "gunicorn", "-k", "gevent", "--bind", "127.0.0.1:{port}", "tracker.wsgi:app"]
    srv = TrackerServer(instance, env=env)
    srv.command = [part.format(port=srv.port) for part in command]
    migrate = subprocess.run([sys.executable, "-m", "flask", "--app", "tracker", "db", "upgrade"],
                             env=srv.env, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert migrate.returncode == 0, migrate.stderr
    with srv:
        page = requests.get(srv.url + "/login")
        assert page.status_code == 200 and "<form" in page.text
        assert requests.get(srv.url + "/static/css/app.css").status_code == 200


def websocket_handshake(url: str) -> str:
    """The raw answer to a browser-like websocket handshake that offers compression."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                      f"Sec-WebSocket-Key: {key}\r\n"
                      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.decode("latin-1").split("\r\n\r\n")[0]


def test_websocket_compression_is_declined(server):
    answer = websocket_handshake(server.url)
    assert answer.startswith("HTTP/1.1 101")
    assert "permessage-deflate" not in answer.lower()


def test_the_readme_start_command_works_without_an_instance_folder(tmp_path):
    """A fresh clone has no `instance/`: `tracker serve --demo` makes it, then serves."""
    instance = tmp_path / "fresh" / "instance"
    srv = TrackerServer(instance)
    srv.command = [*srv.command, "--demo"]
    srv.log = tmp_path / "server.log"
    srv.start(make_instance=False)
    try:
        assert (instance / "tracker.db").exists()
        assert requests.get(srv.url + "/api/v1/public/stats", timeout=10).status_code == 200
    finally:
        srv.kill()
