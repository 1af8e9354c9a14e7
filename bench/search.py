"""Search at scale: 100,000 commitments of realistic Chinese text, timed on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py fill sqlite:////tmp/bench-search.db
    .venv/bin/python bench/search.py fill postgresql://postgres@127.0.0.1:5432/bench_search
    .venv/bin/python bench/search.py run sqlite:////tmp/bench-search.db postgresql://postgres@127.0.0.1:5432/bench_search
    .venv/bin/python bench/search.py explain sqlite:////tmp/bench-search.db "电梯 物业"
    .venv/bin/python bench/search.py plans postgresql://postgres@127.0.0.1:5432/bench_search department phone

`fill` builds the schema with the migrations (so the search index and its triggers are those
of production), then loads the demo's ~120 departments, 200 episodes, 50,000 cases and 100,000
commitments. Their text is recombined from the demo's hotline cases (titles, the clauses of
their summaries, locations) and on-air promises; every hotline summary also carries a phone
number that the public text does not. On SQLite the rows go in through the triggers, as the
application's would (about 10 minutes on the loaded 2-core machine); on PostgreSQL the triggers
are off during the COPY and the documents are built in one statement at the end, as the
migration builds them. `run` times each search as the application runs it (the page of 20 and its total, in
`list_matching` / `list_cases`), REPEAT times, and prints the median and p95 of the wall-clock
time per database, and the median CPU time of this process (for SQLite, which runs in the
process, the whole work: what the wall-clock time would be on an idle machine; for PostgreSQL
only the client's share). A found count of 1,000 is the search's cap (`search.COUNT_CAP`).
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text, true

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import public as public_bench  # noqa: E402 - the loader of bench/public.py

from tracker import create_app  # noqa: E402
from tracker.cases import service as cases  # noqa: E402
from tracker.commitments import queries  # noqa: E402
from tracker.demo.departments import DEPARTMENTS  # noqa: E402
from tracker.demo.episodes import EPISODES  # noqa: E402
from tracker.demo.live import NAMES, PROMISES  # noqa: E402
from tracker.demo.pool import POOL_CASES  # noqa: E402
from tracker.extensions import db  # noqa: E402

CASES, COMMITMENTS, EPISODE_COUNT, REPEAT = 50_000, 100_000, 200, 30
RARE = "燃气泄漏"  # in one case in 5,000
# (label, words, who): public = the public tracker and API, staff = a supervisor's list,
# cases = the producer's case search.
SEARCHES = [
    ("2 chars, common", "小区", "public"),
    ("2 chars", "电梯", "public"),
    ("2 + 2 chars", "电梯 物业", "public"),
    ("2 + 2 chars, any order", "物业 电梯", "public"),
    ("1 char", "堵", "public"),
    ("department", "市住建局", "public"),
    ("official + 2 chars", "王建国 停车", "public"),
    ("rare (1 in 5,000)", RARE, "public"),
    ("no match", "火星基地", "public"),
    ("punctuation", "1.2元", "public"),
    ("long phrase", "物业公司以维修资金未到位为由", "public"),
    ("staff: phone in hotline text", "1390000", "staff"),
    ("staff: 2 + 2 chars", "电梯 物业", "staff"),
    ("cases: 2 + 2 chars", "电梯 物业", "cases"),
    ("cases: department + 2 chars", "市住建局 电梯", "cases"),
]


def text_bank():
    """Titles, summary clauses, locations and categories of the demo's cases."""
    demo = POOL_CASES + [case for episode in EPISODES for case in episode["cases"]]
    clauses = sorted({c for case in demo for c in re.split(r"[，。；！？]", case["summary"].split("：", 1)[-1])
                      if len(c) >= 4})
    return ([c["title"] for c in demo], clauses, [c["location"] for c in demo],
            sorted({c["category"] for c in demo}))


def rows_for(rng: random.Random):
    now = public_bench.naive(datetime.now(UTC))
    departments = [(i, code, name, kind.value, True, now) for i, (code, name, kind) in enumerate(DEPARTMENTS, 1)]
    yield "departments", ("id", "code", "name", "kind", "active", "created_at"), departments
    first_air = date.today() - timedelta(days=7 * EPISODE_COUNT)
    air_dates = [first_air + timedelta(days=7 * i) for i in range(EPISODE_COUNT)]
    yield "episodes", ("id", "number", "title", "air_date", "status", "version", "graphic_kind", "screen_cleared",
                       "created_at"), [(i + 1, i + 1, f"第{i + 1}期", air_dates[i], "ended", 1, "none", False, now)
                                       for i in range(EPISODE_COUNT)]
    titles, clauses, locations, categories = text_bank()
    cases, links = [], []
    for i in range(1, CASES + 1):
        body = "，".join(rng.sample(clauses, rng.randint(3, 6))) + ("，" + RARE if i % 5000 == 0 else "") + "。"
        phone = f"1390000{i:04d}"[-11:]
        cases.append((i, f"SY-B-{i:06d}", 2026, i, rng.choice(titles), f"来电人反映：{body}联系电话{phone}。",
                      rng.choice(titles), f"市民反映：{body}", rng.choice(locations), rng.choice(categories),
                      "hotline", "aired", "", "", now, now))
        for position, department in enumerate(rng.sample(range(1, len(departments) + 1), rng.randint(1, 3))):
            links.append((i, department, position))
    yield "cases", ("id", "ref", "ref_year", "ref_seq", "title", "summary", "public_title", "public_summary",
                    "location", "category", "source", "status", "complainant_name", "complainant_phone",
                    "created_at", "updated_at"), cases
    yield "case_departments", ("case_id", "department_id", "position"), links
    lead = {case_id: department for case_id, department, position in links if position == 0}
    statuses = ["committed", "in_progress", "in_progress", "claimed_done", "verified", "verified", "verified"]
    commitments = []
    for i in range(1, COMMITMENTS + 1):
        case_id = (i - 1) // 2 + 1
        episode = rng.randint(1, EPISODE_COUNT)
        deadline = air_dates[episode - 1] + timedelta(days=rng.choice((7, 14, 30, 60, 90)))
        content = rng.choice(PROMISES).format(days=rng.choice((7, 15, 30)),
                                              deadline=f"{deadline.month}月{deadline.day}日")
        commitments.append((i, episode, case_id, lead[case_id], rng.choice(NAMES), "副局长", content, "", deadline,
                            deadline, rng.choice(statuses), 0, "", now, now))
    yield "commitments", ("id", "episode_id", "case_id", "department_id", "official_name", "official_title",
                          "content", "quote", "deadline", "original_deadline", "status", "progress_percent",
                          "vague_reason", "created_at", "updated_at"), commitments


def fill(url: str) -> None:
    started = time.monotonic()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        public_bench._recreate_postgres(url)
    _app(url)  # migrated
    engine = create_engine(_driver(url))
    postgresql = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgresql:  # row by row the triggers would take most of an hour: build the documents at the end
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table, columns, rows in rows_for(random.Random(10)):
            count = public_bench._load(connection, table, columns, rows)
            print(f"{table}: {count:,} rows ({time.monotonic() - started:.0f} s)", flush=True)
        if postgresql:
            connection.execute(text("SET LOCAL session_replication_role = origin"))
            for document in ("search_commitments", "search_cases"):
                # A GIN index is built far faster at once than row by row.
                indexes = connection.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
                                                  ":name AND indexdef LIKE '%USING gin%'"), {"name": document}).all()
                for name, _ in indexes:
                    connection.execute(text(f"DROP INDEX {name}"))
                columns = "id, public, private" if document == "search_commitments" else "id, body"
                connection.execute(text(f"INSERT INTO {document} ({columns}) SELECT * FROM {document}_source"))
                for _, definition in indexes:
                    connection.execute(text(definition))
                print(f"{document} built ({time.monotonic() - started:.0f} s)", flush=True)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    print(f"filled in {time.monotonic() - started:.0f} s", flush=True)


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _app(url: str):
    instance = tempfile.mkdtemp(prefix="bench-search-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": _driver(url), "INSTANCE_PATH": instance, "SECRET_KEY": "bench"})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
    return app


def search(words: str, who: str) -> int:
    """One search as the application runs it; how many it found."""
    if who == "cases":
        return cases.list_cases(cases.CaseFilter(q=words), 1, 50)[1]
    wanted = queries.CommitmentFilter(text=words, public=who == "public")
    return queries.list_matching(true(), wanted, 1, 20)[1]


def timings(url: str) -> dict[str, tuple[int, float, float, float]]:
    app = _app(url)
    results = {}
    with app.app_context():
        for label, words, who in SEARCHES:
            found = search(words, who)  # warm the caches once
            spent, cpu = [], []
            for _ in range(REPEAT):
                start, start_cpu = time.perf_counter(), time.process_time()
                search(words, who)
                spent.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                db.session.rollback()
            spent.sort()
            results[label] = (found, statistics.median(spent), spent[int(len(spent) * 0.95) - 1],
                              statistics.median(cpu))
    return results


def run(urls: list[str]) -> None:
    tables = {(url.split(":", 1)[0]): timings(url) for url in urls}
    names = list(tables)
    print("| search | words | " + " | ".join(f"{n} found | {n} median ms | {n} p95 ms | {n} CPU ms"
                                            for n in names) + " |")
    print("|---|---|" + "---:|---:|---:|---:|" * len(names))
    for label, words, _ in SEARCHES:
        cells = " | ".join(f"{tables[n][label][0]:,} | {tables[n][label][1]:.1f} | {tables[n][label][2]:.1f} | "
                           f"{tables[n][label][3]:.1f}" for n in names)
        print(f"| {label} | `{words}` | {cells} |")


def explain(url: str, words: str) -> None:
    """The query plan of the public search for these words (EXPLAIN QUERY PLAN / ANALYZE)."""
    app = _app(url)
    with app.app_context():
        from sqlalchemy import func, select

        from tracker import search as search_module
        from tracker.models import Commitment
        query = search_module.only_matching(select(func.count()).select_from(Commitment), Commitment.id, words,
                                            public=True)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
        print(compiled)
        for row in db.session.execute(text(prefix + str(compiled))):
            print(row[-1])


def plans(url: str, labels: list[str]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement each search issues (those whose label holds
    one of `labels`, or all), as `run` times them: the plan of each step, not only the count's."""
    from sqlalchemy import event
    app = _app(url)
    statements: list[tuple[str, object]] = []

    def grab(connection, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))
    with app.app_context():
        for label, words, who in SEARCHES:
            if labels and not any(wanted in label for wanted in labels):
                continue
            search(words, who)
            db.session.rollback()
            statements.clear()
            event.listen(db.engine, "before_cursor_execute", grab)
            start = time.perf_counter()
            search(words, who)
            spent = (time.perf_counter() - start) * 1000
            event.remove(db.engine, "before_cursor_execute", grab)
            db.session.rollback()
            print(f"##### {label} `{words}` ({who}): {spent:.1f} ms, {len(statements)} statements")
            raw = db.engine.raw_connection()
            cursor = raw.cursor()
            for statement, parameters in statements:
                if statement.startswith("SET"):
                    cursor.execute(statement)
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                print("---", " ".join(statement.split())[:300])
                print("\n".join(row[0] for row in cursor.fetchall()))
            raw.rollback()
            raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fill").add_argument("url")
    sub.add_parser("run").add_argument("urls", nargs="+")
    explaining = sub.add_parser("explain")
    explaining.add_argument("url")
    explaining.add_argument("words")
    planning = sub.add_parser("plans")
    planning.add_argument("url")
    planning.add_argument("labels", nargs="*")
    args = parser.parse_args()
    if args.command == "fill":
        fill(args.url)
    elif args.command == "run":
        run(args.urls)
    elif args.command == "plans":
        plans(args.url, args.labels)
    else:
        explain(args.url, args.words)


if __name__ == "__main__":
    main()
