"""Ballot benchmark: RATE ballots a second for SECONDS from distinct devices while VIEWERS watch `/live`.

    .venv/bin/python bench/ballots/run.py --rate 1000 --seconds 60 --viewers 1000          # the full run
    .venv/bin/python bench/ballots/run.py --rate 100 --seconds 5 --viewers 20              # a smoke run
    .venv/bin/python bench/ballots/run.py --rate 1000 --seconds 60 --viewers 1000 --kill-at 30

It prepares a fresh instance (init-db, a department, a producer and a token), starts `tracker
serve` in its own session, opens a vote through the API, connects the viewers to `/live` (raw
Engine.IO over a websocket, as light as a client gets), and sends ballots open-loop, each from a
new device (no cookie: every ballot is a new device). With `--kill-at S` the server's whole
process group gets SIGKILL S seconds in and is started again on the same instance at once;
ballots that fail meanwhile are counted as failed, never as acknowledged.

It reports: ballots sent, acknowledged (202), failed; stored (the poll's total, counted by the
server from the database after the run; it must be ≥ acknowledged: no ballot acknowledged and
then lost); `tally` pushes per viewer and their rate (≤ 4 a second); and the tally lag: from the
last acknowledged ballot to the first `tally` a viewer receives that counts every acknowledged
ballot (p50 and max over the viewers).
"""
from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import urllib3  # noqa: E402
import websocket  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / ".venv" / "bin" / "tracker"
CHOICES = ("satisfied", "basically_satisfied", "unsatisfied")


class Server:
    def __init__(self, instance: Path, port: int, workers: int, queue: str | None, log: Path) -> None:
        self.instance, self.port, self.workers, self.queue, self.log = instance, port, workers, queue, log
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        env = dict(os.environ, TRACKER_INSTANCE_PATH=str(self.instance), TRACKER_MESSAGE_QUEUE=self.queue or "",
                   TRACKER_POLL_BALLOT_LIMIT="1000000 per second", TRACKER_SECRET_KEY="bench-ballots")
        return env

    def cli(self, *args: str) -> str:
        return subprocess.run([str(TRACKER), *args], env=self.env(), check=True, capture_output=True,
                              text=True).stdout

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen([str(TRACKER), "serve", "--port", str(self.port), "--workers",
                                             str(self.workers)], env=self.env(), stdout=log, stderr=log,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib3.request("GET", f"http://127.0.0.1:{self.port}/api/v1/health", timeout=1).status == 200:
                    return
            except Exception:  # noqa: BLE001 - not up yet
                pass
            time.sleep(0.2)
        raise SystemExit("the server did not start; see " + str(self.log))

    def kill9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Api:
    def __init__(self, port: int, token: str) -> None:
        self.base, self.token = f"http://127.0.0.1:{port}/api/v1", token
        self.http = urllib3.PoolManager(maxsize=50)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        response = self.http.request(method, self.base + path, json=body,
                                     headers={"Authorization": f"Bearer {self.token}"})
        if response.status >= 300:
            raise SystemExit(f"{method} {path}: {response.status} {response.data[:300]!r}")
        return response.json()


class Viewer:
    """One `/live` client: Engine.IO 4 over a websocket, joined to the episode; records tallies."""

    def __init__(self, port: int, episode_id: int) -> None:
        self.url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
        self.episode_id = episode_id
        self.tallies: list[tuple[float, int]] = []  # `tally` pushes: (received at, total)
        self.states: list[tuple[float, int]] = []   # `state` messages' poll: (received at, total)
        self.reconnects = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            with contextlib.suppress(Exception):  # the server went away: reconnect
                self._session()
            if self.running:
                self.reconnects += 1
                gevent.sleep(0.5)

    def _session(self) -> None:
        ws = websocket.create_connection(self.url, timeout=30, enable_multithread=True)
        try:
            ws.recv()  # the Engine.IO open packet
            ws.send("40/live," + json.dumps({"episode": self.episode_id}))
            while self.running:
                message = ws.recv()
                if message == "2":
                    ws.send("3")
                elif message.startswith('42/live,["tally"'):
                    tally = json.loads(message[len("42/live,"):])[1]
                    self.tallies.append((time.time(), tally["total"]))
                elif message.startswith('42/live,["state"'):
                    # On (re)connect a display paints the state's poll: it counts as seen too.
                    poll = json.loads(message[len("42/live,"):])[1].get("poll")
                    if poll:
                        self.states.append((time.time(), poll["total"]))
        finally:
            ws.close()


def prepare(args: argparse.Namespace, scratch: Path) -> tuple[Server, str]:
    instance = scratch / "instance"
    instance.mkdir()
    server = Server(instance, args.port, args.workers, args.redis, scratch / "server.log")
    server.cli("init-db")
    server.cli("create-department", "BENCH", "压测部门")
    os.environ["TRACKER_PASSWORD"] = "bench-" + os.urandom(8).hex()
    server.cli("create-user", "bench-producer", "--role", "producer")
    token = server.cli("create-token", "bench-producer").strip().splitlines()[-1]
    return server, token


def open_vote(api: Api) -> tuple[int, int]:
    episode = api.call("POST", "/episodes", {"title": "投票压测", "air_date": "2026-12-04"})
    case = api.call("POST", "/cases", {"title": "压测问题", "summary": "压测", "department_codes": ["BENCH"]})
    item = api.call("POST", f"/episodes/{episode['id']}/rundown", {"case_id": case["id"]})
    api.call("POST", f"/episodes/{episode['id']}/start")
    api.call("POST", f"/episodes/{episode['id']}/rundown/{item['id']}/take", {})
    poll = api.call("POST", f"/episodes/{episode['id']}/polls", {"item_id": item["id"]})
    return episode["id"], poll["id"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=1000, help="ballots a second [1000]")
    parser.add_argument("--seconds", type=float, default=60, help="how long ballots are sent [60]")
    parser.add_argument("--viewers", type=int, default=1000, help="/live viewers [1000]")
    parser.add_argument("--workers", type=int, default=1, help="tracker serve --workers [1]")
    parser.add_argument("--redis", default=None, help="TRACKER_MESSAGE_QUEUE (needed for --workers > 1)")
    parser.add_argument("--port", type=int, default=5111)
    parser.add_argument("--kill-at", type=float, default=None, help="kill -9 the server after this many seconds")
    parser.add_argument("--concurrency", type=int, default=400, help="ballots in flight at most [400]")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="tracker-ballots-"))
    server, token = prepare(args, scratch)
    server.start()
    try:
        report = run(args, server, token)
    finally:
        server.stop()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if report["lost"]:
        sys.exit(1)
    shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, server: Server, token: str) -> dict:
    api = Api(args.port, token)
    episode_id, poll_id = open_vote(api)
    viewers = [Viewer(args.port, episode_id) for _ in range(args.viewers)]
    watchers = [gevent.spawn(v.run) for v in viewers]
    gevent.sleep(min(10, 1 + args.viewers / 200))  # let them connect

    http = urllib3.PoolManager(maxsize=args.concurrency, retries=False, timeout=urllib3.Timeout(30))
    url = f"http://127.0.0.1:{args.port}/api/v1/polls/{poll_id}/ballots"
    counts = {"sent": 0, "acknowledged": 0, "failed": 0}
    last_ack = [0.0]
    reasons: dict[str, int] = {}
    pool = gevent.pool.Pool(args.concurrency)

    def ballot(n: int) -> None:
        try:
            response = http.request("POST", url, json={"choice": CHOICES[n % 3]})
            if response.status == 202:
                counts["acknowledged"] += 1
                last_ack[0] = time.time()
            else:
                counts["failed"] += 1
                reasons[str(response.status)] = reasons.get(str(response.status), 0) + 1
        except Exception as error:  # noqa: BLE001 - a refused or cut connection during the restart
            counts["failed"] += 1
            reasons[type(error).__name__] = reasons.get(type(error).__name__, 0) + 1

    started = time.time()
    killed, restart = False, None
    total = int(args.rate * args.seconds)
    for n in range(total):
        due = started + n / args.rate
        if args.kill_at is not None and not killed and due - started >= args.kill_at:
            server.kill9()
            killed = True
            restart = gevent.spawn(server.start)
        gevent.sleep(max(0.0, due - time.time()))
        counts["sent"] += 1
        pool.spawn(ballot, n)
    pool.join()
    sending = time.time() - started
    if restart is not None:
        restart.get()  # the server is up again before the stored count is read
    gevent.sleep(2)  # the last push is due within 0.25 s
    stored = api.call("GET", f"/polls/{poll_id}")["total"]
    for viewer in viewers:
        viewer.running = False
    gevent.killall(watchers, timeout=2)

    lags = []
    for viewer in viewers:
        complete = min((at for at, seen in viewer.tallies + viewer.states if seen >= counts["acknowledged"]),
                       default=None)
        if complete is not None:
            lags.append((complete - last_ack[0]) * 1000)
    window = max(sending, 1e-9)
    rates = [_busiest_second([at for at, _seen in v.tallies]) for v in viewers if v.tallies]
    return {
        "rate": args.rate, "seconds": args.seconds, "viewers": args.viewers, "workers": args.workers,
        "kill_at": args.kill_at, "sending_seconds": round(sending, 2),
        "sent": counts["sent"], "acknowledged": counts["acknowledged"], "failed": counts["failed"],
        "failed_by": reasons, "stored": stored, "lost": max(0, counts["acknowledged"] - stored),
        "achieved_ack_rate": round(counts["acknowledged"] / window, 1),
        "viewers_with_final_tally": f"{len(lags)}/{len(viewers)}",
        "tally_lag_ms_p50": round(statistics.median(lags), 1) if lags else None,
        "tally_lag_ms_max": round(max(lags), 1) if lags else None,
        "tally_pushes_in_busiest_second": max(rates) if rates else None,
        "viewer_reconnects": sum(v.reconnects for v in viewers),
    }


def _busiest_second(times: list[float]) -> int:
    """The most pushes one viewer received within any one second."""
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


if __name__ == "__main__":
    main()
