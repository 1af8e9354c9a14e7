"""Under gevent, a slow SQLite writer must not freeze the worker or fail other writers.

Runs in a subprocess because gevent must patch the standard library before anything else
is imported, exactly as gunicorn's gevent worker does.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tracker import database

SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()

    import json, sys, time
    import gevent
    from sqlalchemy import func, select
    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import Department

    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "INSTANCE_PATH": sys.argv[2],
                      "SECRET_KEY": "x", "ASYNC_MODE": "gevent"})
    results = {}

    def slow_writer():
        with app.app_context():
            db.session.add(Department(code="SLOW", name="慢的事务"))
            db.session.flush()          # holds the write lock, like a long import would
            gevent.sleep(1.0)
            db.session.commit()

    def second_writer():
        gevent.sleep(0.1)
        with app.app_context():
            started = time.monotonic()
            db.session.add(Department(code="NEXT", name="排队的事务"))
            db.session.commit()
            results["writer_waited"] = time.monotonic() - started

    def reader():
        gevent.sleep(0.2)
        with app.app_context():
            started = time.monotonic()
            results["count_seen"] = db.session.scalar(select(func.count(Department.id)))
            results["read_took"] = time.monotonic() - started

    def heartbeat():
        # Stands for every other greenlet of the worker: websockets, other requests.
        ticks, started = 0, time.monotonic()
        while time.monotonic() - started < 1.2:
            gevent.sleep(0.01)
            ticks += 1
        results["ticks"] = ticks

    gevent.joinall([gevent.spawn(f) for f in (slow_writer, second_writer, reader, heartbeat)], raise_error=True)
    with app.app_context():
        results["codes"] = sorted(db.session.scalars(select(Department.code)))
    print(json.dumps(results))
""")


def test_slow_writer_stalls_neither_readers_nor_the_worker(sqlite_template, tmp_path):
    url = sqlite_template.fresh_copy(tmp_path / "tracker.db")
    completed = subprocess.run([sys.executable, "-c", SCRIPT, url, str(tmp_path / "instance")],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    assert results["codes"] == ["NEXT", "SLOW"]          # the queued writer succeeded
    assert results["writer_waited"] >= 0.7               # … after the slow one finished
    assert results["read_took"] < 0.3                    # readers were not held up
    assert results["count_seen"] == 0                    # and saw the last committed state
    assert results["ticks"] >= 60                        # the event loop never froze


def test_after_each_response_on_sqlite_the_worker_lets_other_clients_in(sqlite_app, monkeypatch):
    """The yield that keeps keep-alive clients from starving the others under gevent."""
    slept = []
    monkeypatch.setattr(database.time, "sleep", slept.append)
    response = sqlite_app.test_client().get("/api/v1/health")
    assert response.status_code == 200 and slept == []   # not before the body is sent…
    response.close()
    assert slept == [0]                                    # …but once it has been
