#!/usr/bin/env bash
# Push fan-out benchmark: `tracker serve` against the harness's two reference servers.
#
# Copies the fan-out harness (../shared/bench/fanout, read-only) to bench/.fanout-work, installs
# what it needs there, then for each N starts every server afresh and runs the harness's driver
# against it with the same K and RATE: viewers on /live with auth {"episode": id}, triggers that
# are running-order moves (each raises the episode's version by one and pushes a new `state`).
# Each server runs with websocket compression and without. The table goes into bench/README.md.
#
# Environment knobs (defaults in brackets):
#   NS ["10 100 1000 3000"]  K [50]  RATE [20]  WARMUP [0]  REPS [1]  PROCS [1]
#   CONFIGS ["ref_node:on ref_node:off ref_flask:on ref_flask:off tracker:on tracker:off"]
#   NODE_PORT [5101]  FLASK_PORT [5102]  TRACKER_PORT [5103]
#   HARNESS [../shared/bench/fanout]  WORK [bench/.fanout-work]  TRACKER [.venv/bin/tracker]
#   WRITE_README [1]  MARKER [fanout-table: where in bench/README.md the table goes]
#   BENCH_ARGS [extra flags for bench.js]  TRACKER_EVENT [patch; state with LIVE_PATCHES off or WORKERS > 1]
#   WORKERS [1: tracker's gevent workers; more share the show through Redis, as a deployment
#   with one worker per core does]  REDIS_URL [redis://127.0.0.1:6379/14, for WORKERS > 1]
# `:on` / `:off` is compression: for the ref servers whether the client offers permessage-deflate
# (a browser always does; ref_flask then compresses, ref_node never does); for tracker whether
# TRACKER_WEBSOCKET_COMPRESSION=1 is set (the client always offers it, as a browser would).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

NS=${NS:-"10 100 1000 3000"}
K=${K:-50}; RATE=${RATE:-20}; WARMUP=${WARMUP:-0}; REPS=${REPS:-1}; PROCS=${PROCS:-1}
CONFIGS=${CONFIGS:-"ref_node:on ref_node:off ref_flask:on ref_flask:off tracker:on tracker:off"}
NODE_PORT=${NODE_PORT:-5101}; FLASK_PORT=${FLASK_PORT:-5102}; TRACKER_PORT=${TRACKER_PORT:-5103}
HARNESS=${HARNESS:-$ROOT/../shared/bench/fanout}
WORK=${WORK:-$ROOT/bench/.fanout-work}
TRACKER=${TRACKER:-$ROOT/.venv/bin/tracker}
WRITE_README=${WRITE_README:-1}; MARKER=${MARKER:-fanout-table}
BENCH_ARGS=${BENCH_ARGS:-}
WORKERS=${WORKERS:-1}; REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
QUEUE=""; [ "$WORKERS" -gt 1 ] && QUEUE=$REDIS_URL
# With a queue, several processes push to the same rooms and send whole states (realtime.py).
[ -n "$QUEUE" ] && TRACKER_EVENT=${TRACKER_EVENT:-state}
COMMAND="$(for v in NS K RATE WARMUP REPS PROCS WORKERS; do printf '%s="%s" ' "$v" "${!v}"; done)"
[ "$CONFIGS" = "ref_node:on ref_node:off ref_flask:on ref_flask:off tracker:on tracker:off" ] || COMMAND+="CONFIGS=\"$CONFIGS\" "
COMMAND+="bench/fanout.sh"

# --- the harness copy, and what it needs (node_modules, its .venv for ref_flask)
mkdir -p "$WORK"
cp -r "$HARNESS"/. "$WORK"/
chmod -R u+w "$WORK"
if [ ! -d "$WORK/node_modules/socket.io" ]; then
  echo "== npm ci" >&2
  (cd "$WORK" && npm ci --no-audit --no-fund >&2)
fi
if ! "$WORK/.venv/bin/python" -c 'import flask_socketio, gevent, simple_websocket, packaging' 2>/dev/null; then
  echo "== harness venv (ref_flask)" >&2
  python3 -m venv "$WORK/.venv"
  "$WORK/.venv/bin/pip" install -q -r "$WORK/ref_flask/requirements.txt" >&2
fi

# --- file descriptors: every viewer holds one in the generator and one in the server
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then ulimit -n 65536; else ulimit -n "$hard"; fi
maxn=$(for n in $NS; do echo "$n"; done | sort -n | tail -1)
if [ "$(ulimit -n)" -lt $((maxn + 200)) ]; then
  echo "ulimit -n is $(ulimit -n); need more than $maxn. Raise the hard limit first." >&2; exit 1
fi

RESULTS=$ROOT/bench/results
mkdir -p "$RESULTS"
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$RESULTS/fanout-$STAMP.jsonl
LOG=$RESULTS/fanout-$STAMP.log
META=$RESULTS/fanout-$STAMP.meta.json
: > "$OUT"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tracker-fanout.XXXXXX")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date '+%Y-%m-%d %H:%M')

# --- server lifecycle (as the harness's run.sh): each server starts in its own session, so its
# PID is its process-group id; we stop exactly that group, TERM first, KILL after 10 s.
CUR_PID=""
stop_server() {
  local pid=$1
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  for _ in $(seq 1 50); do ps -o pid= -g "$pid" >/dev/null 2>&1 || break; sleep 0.1; done
}
cleanup() { stop_server "$CUR_PID"; CUR_PID=""; rm -rf "$SCRATCH"; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

wait_healthy() { # $1 = name, $2 = health URL
  for _ in $(seq 1 300); do
    curl -sf "$2" >/dev/null 2>&1 && return 0
    kill -0 "$CUR_PID" 2>/dev/null || { echo "$1 died; see $LOG" >&2; return 1; }
    sleep 0.1
  done
  echo "$1 not healthy after 30 s; see $LOG" >&2; return 1
}

# --- tracker: one prepared instance (schema, a producer and a token), copied for every start
tracker_cli() { TRACKER_INSTANCE_PATH=$1 TRACKER_MESSAGE_QUEUE="" "$TRACKER" "${@:2}"; }
prepare_tracker_template() {
  TEMPLATE=$SCRATCH/template
  mkdir -p "$TEMPLATE"
  tracker_cli "$TEMPLATE" init-db >>"$LOG" 2>&1
  tracker_cli "$TEMPLATE" create-department BENCH "压测部门" >>"$LOG" 2>&1
  TRACKER_PASSWORD="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" \
    tracker_cli "$TEMPLATE" create-user bench-producer --role producer >>"$LOG" 2>&1
  TOKEN=$(tracker_cli "$TEMPLATE" create-token bench-producer --name fanout 2>>"$LOG" | tail -1)
  [ -n "$TOKEN" ]
}

api() { # $1 = method, $2 = path, $3 = JSON body (optional); prints the answer, fails on >= 400
  curl -sf -X "$1" "http://127.0.0.1:$TRACKER_PORT/api/v1$2" -H "Authorization: Bearer $TOKEN" \
    -H "Content-Type: application/json" ${3:+--data "$3"}
}

seed_episode() { # an episode, two cases, two running-order items; sets EPISODE and ITEM
  EPISODE=$(api POST /episodes "{\"title\":\"压测\",\"air_date\":\"$(date +%F)\"}" | jq -r .id)
  local case_id
  for i in 1 2; do
    case_id=$(api POST /cases "{\"title\":\"压测案件 $i\",\"summary\":\"fan-out benchmark\",\"department_codes\":[\"BENCH\"]}" | jq -r .id)
    ITEM=$(api POST "/episodes/$EPISODE/rundown" "{\"case_id\":$case_id}" | jq -r .id)
  done
}

start_server() { # $1 = ref_node|ref_flask|tracker, $2 = on|off; sets CUR_PID and PORT
  case $1 in
    ref_node)
      PORT=$NODE_PORT
      PORT=$PORT setsid node "$WORK/ref_node/server.js" >>"$LOG" 2>&1 </dev/null &
      CUR_PID=$!; wait_healthy "$1" "http://127.0.0.1:$PORT/health" ;;
    ref_flask)
      PORT=$FLASK_PORT
      BIND=127.0.0.1:$PORT setsid "$WORK/.venv/bin/gunicorn" --chdir "$WORK/ref_flask" \
        -c "$WORK/ref_flask/gunicorn.conf.py" app:app >>"$LOG" 2>&1 </dev/null &
      CUR_PID=$!; wait_healthy "$1" "http://127.0.0.1:$PORT/health" ;;
    tracker)
      PORT=$TRACKER_PORT
      local instance=$SCRATCH/instance-$RANDOM$RANDOM compression=""
      cp -r "$TEMPLATE" "$instance"
      [ "$2" = on ] && compression=1
      TRACKER_INSTANCE_PATH=$instance TRACKER_MESSAGE_QUEUE="$QUEUE" TRACKER_WEBSOCKET_COMPRESSION=$compression \
        setsid "$TRACKER" serve --port "$PORT" --workers "$WORKERS" >>"$LOG" 2>&1 </dev/null &
      CUR_PID=$!; wait_healthy "$1" "http://127.0.0.1:$PORT/api/v1/health"
      seed_episode ;;
    *) echo "unknown server $1" >&2; return 1 ;;
  esac
}

run_bench() { # $1 = server, $2 = on|off, $3 = N; appends one JSON line to $OUT
  local args=(--n "$3" --k "$K" --rate "$RATE" --warmup "$WARMUP" --procs "$PROCS" --client lite
              --server-pid "$CUR_PID" --label "$1:$2" --json-out "$OUT" --max-run-s 600)
  if [ "$1" = tracker ]; then
    # The state sent on connect carries the current version; the moves bring version+1 onwards.
    local version
    version=$(api GET "/episodes/$EPISODE/rundown" | jq -r .version)
    # After the snapshot on connect, a one-process server pushes each version as a `patch`
    # (PRODUCT.md) against the one before; a version superseded while the episode's sender was
    # busy is skipped (the viewer gets the newer one), and the driver counts it as not delivered.
    args+=(--url "http://127.0.0.1:$PORT" --namespace /live --event "${TRACKER_EVENT:-patch}" --auth "{\"episode\":$EPISODE}"
           --deflate on --match seq --seq-field version --seq-base $((version + 1))
           --trigger-url "http://127.0.0.1:$PORT/api/v1/episodes/$EPISODE/rundown/$ITEM/move"
           --trigger-body '{"position":{{seq}}}' --trigger-header "Authorization: Bearer $TOKEN")
  else
    args+=(--url "http://127.0.0.1:$PORT" --deflate "$2")
  fi
  # shellcheck disable=SC2086
  "$WORK/bench.sh" "${args[@]}" $BENCH_ARGS | grep -v '^{' || echo "bench failed for N=$3 $1:$2" >&2
}

if [[ " $CONFIGS " == *" tracker:"* ]]; then
  prepare_tracker_template || { echo "tracker set-up failed; see $LOG" >&2; exit 1; }
fi
echo "== results: $OUT (server logs: $LOG)" >&2
i=0
for n in $NS; do
  for rep in $(seq 1 "$REPS"); do
    # Alternate the order per N, so that no server always runs first (or last) on a warm box.
    if [ $((i % 2)) -eq 0 ]; then order=$CONFIGS; else order=$(echo "$CONFIGS" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    i=$((i + 1))
    for config in $order; do
      server=${config%%:*} compression=${config##*:}
      echo "== N=$n $server compression=$compression rep=$rep" >&2
      if start_server "$server" "$compression"; then
        echo "   pid $CUR_PID, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
        run_bench "$server" "$compression" "$n"
      else
        echo "   could not start $server; skipped" >&2
      fi
      stop_server "$CUR_PID"; CUR_PID=""
      sleep 1
    done
  done
done

jq -n --arg command "$COMMAND" --arg load_before "$LOAD_BEFORE" --arg load_after "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg nproc "$(nproc)" --arg mem "$(free -m | awk '/^Mem:/ {print $2}')" \
  --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  --arg node "$(node --version)" \
  --arg tracker_stack "$("$(dirname "$TRACKER")/python" -m pip list 2>/dev/null | awk 'tolower($1) ~ /^(flask-socketio|python-socketio|python-engineio|simple-websocket|gevent|gunicorn)$/ {printf "%s %s, ", $1, $2}')" \
  --arg ref_stack "$("$WORK/.venv/bin/python" -m pip list 2>/dev/null | awk 'tolower($1) ~ /^(flask-socketio|python-socketio|python-engineio|simple-websocket|gevent|gunicorn)$/ {printf "%s %s, ", $1, $2}')" \
  --arg socketio_node "$(jq -r .version "$WORK/node_modules/socket.io/package.json")" \
  --arg date "$STARTED – $(date '+%H:%M %Z')" \
  '$ARGS.named' > "$META"

echo >&2
(cd "$WORK" && node report.js "$OUT")
if [ "$WRITE_README" = 1 ]; then
  python3 "$ROOT/bench/fanout_table.py" "$OUT" "$META" "$ROOT/bench/README.md" "$MARKER"
  echo "== table written into bench/README.md ($MARKER)" >&2
fi
