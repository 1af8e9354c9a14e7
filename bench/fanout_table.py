"""Write the fan-out results (bench.js JSON lines) as a Markdown table into bench/README.md.

    python3 bench/fanout_table.py RESULTS.jsonl META.json bench/README.md [MARKER]

Replaces what stands between the `<!-- MARKER -->` and `<!-- /MARKER -->` lines (MARKER is
`fanout-table` unless given; the markers are appended if missing).
Labels are `server:compression` as bench/fanout.sh writes them. Standard library only.
"""
from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ORDER = ["ref_node:on", "ref_node:off", "ref_flask:on", "ref_flask:off", "tracker:off", "tracker:on"]
MEANING = {
    "ref_node:on": "client offers deflate; socket.io v4 declines",
    "ref_node:off": "client offers nothing",
    "ref_flask:on": "client offers deflate; simple-websocket accepts",
    "ref_flask:off": "client offers nothing",
    "tracker:off": "client offers deflate; tracker declines (default)",
    "tracker:on": "client offers deflate; `TRACKER_WEBSOCKET_COMPRESSION=1` accepts",
}


def load(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text().splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def num(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def p99_by_config(rows: list[dict]) -> dict[tuple[int, str], float]:
    """Median p99 per (N, label), the denominator of the ratios."""
    groups: dict[tuple[int, str], list[float]] = {}
    for row in rows:
        if row["lat_ms"]["p99"] is not None:
            groups.setdefault((row["n"], row["label"]), []).append(row["lat_ms"]["p99"])
    return {key: statistics.median(values) for key, values in groups.items()}


def ratio(row: dict, reference: float | None) -> str:
    mine = row["lat_ms"]["p99"]
    if not row["label"].startswith("tracker") or mine is None or not reference:
        return ""
    return f"{mine / reference:.2f}"


def table(rows: list[dict]) -> list[str]:
    p99 = p99_by_config(rows)
    rank = {label: i for i, label in enumerate(ORDER)}
    rows = sorted(rows, key=lambda r: (r["n"], rank.get(r["label"], 99), r["time"]))
    lines = [
        "| N | server:compression | deflate negotiated | delivered % | p50 ms | p99 ms | max ms "
        "| server peak RSS MB | server CPU % (peak 1 s) | generator CPU % | machine busy % "
        "| p99 ÷ ref_flask:on | p99 ÷ ref_flask:off |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        server = r.get("server") or {}
        lines.append(" | ".join([
            f"| {r['n']}", f"`{r['label']}`", f"{r['gen'].get('deflate_negotiated')}/{r['connected']}",
            num(r["delivered_pct"], 2), num(r["lat_ms"]["p50"]), num(r["lat_ms"]["p99"]), num(r["lat_ms"]["max"]),
            num(server.get("rss_mb_peak"), 0), num(server.get("cpu_pct_peak_1s"), 0),
            num(r["gen"].get("cpu_pct_peak_1s"), 0), num(r["machine"].get("busy_pct_peak_1s"), 0),
            ratio(r, p99.get((r["n"], "ref_flask:on"))), ratio(r, p99.get((r["n"], "ref_flask:off"))),
        ]) + " |")
    return lines


def block(rows: list[dict], meta: dict, marker: str) -> str:
    first = rows[0]
    lines = [
        f"<!-- {marker} -->",
        f"Measured {meta['date']} on {meta['nproc']} cores ({meta['cpu']}), {meta['mem']} MB of memory; "
        f"load average {meta['load_before']} before the run and {meta['load_after']} after it "
        "(other work was running on the machine).",
        "",
        f"Command: `{meta['command']}`",
        "",
        f"Versions: Node {meta['node']}, socket.io {meta['socketio_node']} (ref_node); "
        f"ref_flask: {meta['ref_stack'].rstrip(', ')}; tracker: {meta['tracker_stack'].rstrip(', ')}.",
        "",
        f"K = {first['k']} triggers at {first['rate']}/s (open loop), warmup {first['warmup']}, "
        f"`{first['client']}` client in {first['procs']} generator process(es).",
        "",
        *table(rows),
        "",
        "Compression: " + "; ".join(f"`{label}` {text}" for label, text in MEANING.items()) + ".",
        "Latency is client receive − trigger send over every viewer × trigger; the ratios compare "
        "tracker's p99 with ref_flask's in the same run, the median of its repetitions (below 1.00 is better).",
        f"<!-- /{marker} -->",
    ]
    return "\n".join(lines)


def main(results: str, meta: str, readme: str, marker: str = "fanout-table") -> None:
    rows = load(Path(results))
    if not rows:
        sys.exit(f"no results in {results}")
    text = block(rows, json.loads(Path(meta).read_text()), marker)
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    path = Path(readme)
    current = path.read_text() if path.exists() else ""
    if start in current and end in current:
        head, rest = current.split(start, 1)
        current = head + text + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + ("\n\n" if current else "") + text + "\n"
    path.write_text(current)


if __name__ == "__main__":
    main(*sys.argv[1:5])
