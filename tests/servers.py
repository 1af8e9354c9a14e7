"""Real servers for tests: `tracker serve` (gunicorn, gevent worker) in a subprocess."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

TRACKER = str(Path(sys.executable).with_name("tracker"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TrackerServer:
    """`tracker serve` on a free port, with its own instance folder and database."""

    def __init__(self, instance: Path, database_url: str | None = None, *, env: dict | None = None,
                 command: list[str] | None = None) -> None:
        self.instance = instance
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "TRACKER_INSTANCE_PATH": str(instance), "TRACKER_MESSAGE_QUEUE": "",
                    **({"TRACKER_DATABASE_URL": database_url} if database_url else {}), **(env or {})}
        self.command = command or [TRACKER, "serve", "--port", str(self.port)]
        self.process: subprocess.Popen | None = None
        self.log = instance / "server.log"

    def run_cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([TRACKER, *args], env=self.env, capture_output=True, text=True, timeout=120)

    def start(self, timeout: float = 90, *, make_instance: bool = True) -> TrackerServer:
        if make_instance:
            self.instance.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not become healthy: {self.log.read_text()[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Stop the whole process group (master and workers), by default without mercy."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            self.process.wait(timeout=15)
        self.process = None

    def __enter__(self) -> TrackerServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.kill(signal.SIGTERM)
