"""The public tracker at scale: fill a database, serve it with gunicorn, load it with wrk.

    .venv/bin/python bench/public.py fill sqlite:////tmp/bench-public.db
    .venv/bin/python bench/public.py fill postgresql://postgres@127.0.0.1:5432/bench_public
    .venv/bin/python bench/public.py run sqlite:////tmp/bench-public.db --label sqlite-1w
    .venv/bin/python bench/public.py table bench/results/public-*.json

`fill` builds the schema with the migrations, then bulk-loads ~120 departments, 200 episodes,
100,000 commitments across every state with realistic deadlines, and ~1,000,000 timeline
events (executemany on SQLite, COPY on PostgreSQL). `run` starts `tracker serve` against it
and runs `wrk` (a separate process, in C) against each URL, plain and with `If-None-Match`,
writing p50/p95/p99 and throughput to `bench/results/public-<label>.json`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
TRACKER = ROOT / ".venv" / "bin" / "tracker"
WRK_SCRIPT = HERE / "wrk_percentiles.lua"

DEPARTMENTS, EPISODES, COMMITMENTS, EVENTS_PER_COMMITMENT = 120, 200, 100_000, 10
TODAY = date.today()
STATUSES = [("verified", 40), ("in_progress", 25), ("committed", 10), ("claimed_done", 10),
            ("closed_unfulfilled", 5), ("claimed_unfulfillable", 3), ("verified", 7)]
SATISFACTION = ["satisfied", "basically_satisfied", "unsatisfied", None]


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def rows_for(rng: random.Random):
    """Every table's rows, as (table, columns, rows) in the order they must be loaded."""
    now = datetime.now(UTC)
    departments = [(i, f"D{i:03d}", f"第{i}职能部门", "county" if i <= 10 else "municipal", True, naive(now))
                   for i in range(1, DEPARTMENTS + 1)]
    yield "departments", ("id", "code", "name", "kind", "active", "created_at"), departments
    yield "users", ("id", "username", "display_name", "password_hash", "role", "active", "created_at"), [
        (1, "bench-supervisor", "督办", "!", "supervisor", True, naive(now)),
        (2, "bench-department", "部门", "!", "department", True, naive(now))]
    first_air = TODAY - timedelta(days=7 * EPISODES)
    air_dates = [first_air + timedelta(days=7 * i) for i in range(EPISODES)]
    yield "episodes", ("id", "number", "title", "air_date", "status", "version", "graphic_kind", "screen_cleared",
                       "created_at"), [(i + 1, i + 1, f"第{i + 1}期 聚焦民生", air_dates[i], "ended", 10, "none", False,
                                        naive(now)) for i in range(EPISODES)]
    cases, links = [], []
    case_count = COMMITMENTS // 2
    for i in range(1, case_count + 1):
        cases.append((i, f"SY-B-{i:06d}", 2026, i, f"问题{i}：小区道路破损", "诉求内容", "茅箭区", "城建", "hotline", "aired",
                      "", "", naive(now), naive(now)))
        links.append((i, rng.randint(1, DEPARTMENTS), 0))
    yield "cases", ("id", "ref", "ref_year", "ref_seq", "title", "summary", "location", "category", "source", "status",
                    "complainant_name", "complainant_phone", "created_at", "updated_at"), cases
    yield "case_departments", ("case_id", "department_id", "position"), links
    commitments = []
    weights = [w for _, w in STATUSES]
    for i in range(1, COMMITMENTS + 1):
        case_id = (i - 1) // 2 + 1
        department = links[case_id - 1][1]
        episode = rng.randint(1, EPISODES)
        made = datetime.combine(air_dates[episode - 1], datetime.min.time(), UTC) + timedelta(hours=12)
        deadline = air_dates[episode - 1] + timedelta(days=rng.choice((7, 14, 30, 30, 60, 90)))
        status = rng.choices([s for s, _ in STATUSES], weights)[0]
        claimed = closed = satisfaction = None
        if status in ("verified", "claimed_done"):
            claimed = made + timedelta(days=rng.randint(3, 100))
        if status in ("verified", "closed_unfulfilled"):
            closed = (claimed or made) + timedelta(days=rng.randint(1, 20))
            satisfaction = rng.choice(SATISFACTION) if status == "verified" else None
        if closed and closed > now:
            status, closed, satisfaction = "claimed_done", None, None
        commitments.append((i, episode, case_id, department, "李建国", "副局长", f"承诺{i}：年底前完成道路修复", "", deadline,
                            deadline, status, 50, "", satisfaction, naive(claimed) if claimed else None,
                            naive(closed) if closed else None, naive(made), naive(closed or claimed or made)))
    yield "commitments", ("id", "episode_id", "case_id", "department_id", "official_name", "official_title", "content",
                          "quote", "deadline", "original_deadline", "status", "progress_percent", "vague_reason",
                          "satisfaction", "claimed_done_at", "closed_at", "created_at", "updated_at"), commitments
    yield "commitment_events", ("id", "commitment_id", "actor_id", "action", "before", "after", "note", "at"), \
        _events(commitments, now)


def _events(commitments: list[tuple], now: datetime):
    """Ten timeline events per commitment, streamed (a million rows do not fit in a list comfortably)."""
    before = json.dumps({"status": "in_progress"})
    number = 0
    for row in commitments:
        made = row[16].replace(tzinfo=UTC)
        for n in range(EVENTS_PER_COMMITMENT):
            number += 1
            at = min(made + timedelta(days=n * 3, minutes=n), now)
            action = "committed" if n == 0 else ("progress_reported" if n % 3 else "comment")
            yield (number, row[0], 2, action, before, json.dumps({"status": "in_progress", "progress_percent": n * 10}),
                   "备注", naive(at))


def fill(url: str) -> None:
    started = time.monotonic()
    env = {**os.environ, "TRACKER_DATABASE_URL": url}
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        _recreate_postgres(url)
    with tempfile.TemporaryDirectory() as instance:
        subprocess.run([str(TRACKER), "init-db"], check=True, env={**env, "TRACKER_INSTANCE_PATH": instance})
    rng = random.Random(5)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        for table, columns, rows in rows_for(rng):
            count = _load(connection, table, columns, rows)
            print(f"{table}: {count:,} rows ({time.monotonic() - started:.0f} s)", flush=True)
        if engine.dialect.name == "postgresql":
            for table in ("departments", "users", "episodes", "cases", "commitments", "commitment_events"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
        # Loaded behind the ORM's back: raise the public data's version by hand.
        connection.execute(text("UPDATE data_version SET version = version + 1, changed_at = :now"),
                           {"now": naive(datetime.now(UTC))})
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    print(f"filled in {time.monotonic() - started:.0f} s", flush=True)


def _load(connection, table: str, columns: tuple, rows) -> int:
    """Bulk-load the rows (COPY on PostgreSQL, executemany on SQLite); how many there were."""
    count = 0

    def counted(values):
        nonlocal count
        for row in values:
            count += 1
            yield row

    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in counted(rows):
                copy.write_row(row)
        return count
    marks = ", ".join("?" for _ in columns)
    connection.connection.driver_connection.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        (tuple(_sqlite_value(v) for v in row) for row in counted(rows)))
    return count


def _sqlite_value(value):
    """As SQLAlchemy writes dates and times to SQLite, so that text comparisons agree."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _recreate_postgres(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()


def sizes(url: str) -> dict:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        counts = {t: connection.scalar(text(f"SELECT count(*) FROM {t}"))
                  for t in ("departments", "episodes", "cases", "commitments", "commitment_events")}
        if engine.dialect.name == "postgresql":
            counts["bytes"] = connection.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            counts["bytes"] = Path(url.removeprefix("sqlite:///")).stat().st_size
    return counts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, workers: int, port: int, queue: str | None) -> subprocess.Popen:
    instance = tempfile.mkdtemp(prefix="bench-public-")
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE_PATH": instance,
           "TRACKER_SECRET_KEY": "bench"}
    env.pop("TRACKER_MESSAGE_QUEUE", None)
    if queue:
        env["TRACKER_MESSAGE_QUEUE"] = queue
    with open(Path(instance) / "server.log", "w") as log:  # the server keeps its own copy of the handle
        server = subprocess.Popen([str(TRACKER), "serve", "--port", str(port), "--workers", str(workers)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not start; see {instance}/server.log")


def targets(url: str) -> list[tuple[str, str]]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        department = connection.scalar(text(
            "SELECT d.code FROM departments d JOIN commitments c ON c.department_id = d.id "
            "GROUP BY d.code ORDER BY count(*) DESC LIMIT 1"))
        commitment = connection.scalar(text("SELECT max(id) / 2 FROM commitments"))
    return [("list page (dept + status)", f"/commitments?department={department}&status=in_progress"),
            ("list API (dept, 50)", f"/api/v1/public/commitments?department={department}&per_page=50"),
            ("list API (dept + status, 50)",
             f"/api/v1/public/commitments?department={department}&status=in_progress&per_page=50"),
            ("commitment page", f"/commitments/{commitment}"),
            ("commitment API", f"/api/v1/public/commitments/{commitment}"),
            ("stats API", "/api/v1/public/stats"),
            ("league page", "/league"),
            ("home page", "/"),
            ("department page", f"/departments/{department}")]


def wrk(base: str, path: str, seconds: int, connections: int, etag: str | None) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(WRK_SCRIPT),
               base + path]
    if etag:
        command[1:1] = ["-H", f"If-None-Match: {etag}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = {k: float(v) for k, v in re.findall(r"^(p50|p95|p99|rps|requests|errors)=([\d.]+)$", output, re.M)}
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non2xx_3xx"] = float(failed.group(1)) if failed else 0.0
    return figures


def run(url: str, label: str, workers: int, seconds: int, connections: int, queue: str | None) -> None:
    port = free_port()
    server = serve(url, workers, port, queue)
    base = f"http://127.0.0.1:{port}"
    results = {"label": label, "database": url.split(":", 1)[0], "workers": workers, "seconds": seconds,
               "connections": connections, "message_queue": bool(queue), "sizes": sizes(url),
               "cpus": os.cpu_count(), "rows": []}
    try:
        for name, path in targets(url):
            first = urllib.request.urlopen(base + path, timeout=30)
            etag = first.headers["ETag"]
            for conditional in (False, True):
                figures = wrk(base, path, seconds, connections, etag if conditional else None)
                row = {"name": name, "path": path, "conditional": conditional, **figures}
                results["rows"].append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"public-{label}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


def table(paths: list[str]) -> None:
    """The results as the Markdown table of bench/README.md."""
    print("| run | URL | conditional | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---|---|---:|---:|---:|---:|")
    for path in paths:
        result = json.loads(Path(path).read_text())
        for row in result["rows"]:
            flag = "304" if row["conditional"] else "200"
            print(f"| {result['label']} | {row['name']} | {flag} | {row['p50']:.1f} | {row['p95']:.1f} | "
                  f"{row['p99']:.1f} | {row['rps']:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fill").add_argument("url")
    running = commands.add_parser("run")
    running.add_argument("url")
    running.add_argument("--label", required=True)
    running.add_argument("--workers", type=int, default=1)
    running.add_argument("--seconds", type=int, default=20)
    running.add_argument("--connections", type=int, default=16)
    running.add_argument("--message-queue", default=None, help="a redis:// URL: the shared cache and queue")
    commands.add_parser("table").add_argument("paths", nargs="+")
    args = parser.parse_args()
    if args.command != "table" and not shutil.which("wrk") and args.command == "run":
        sys.exit("wrk is missing: apt-get install -y wrk")
    if args.command == "fill":
        fill(args.url)
    elif args.command == "run":
        run(args.url, args.label, args.workers, args.seconds, args.connections, args.message_queue)
    else:
        table(args.paths)


if __name__ == "__main__":
    main()
