// A connection to the tracker's live push that never gives up and never goes backwards.
//
// Shared by the on-air display and the producer's console. It
//  - reconnects forever, whatever ended the connection (a network drop, a server restart, a
//    connect the server refused): the first attempt at once, then a jittered backoff that starts
//    under half a second and caps at 3 s, so a display is right again soon after the server is;
//  - reconnects at once when the browser says its network is back (`online`), and asks for the
//    full state on every new connection that did not bring one: nothing waits for a timer;
//  - passes a `state` on only if it is not older than the last one passed on: one of the same
//    version is the server refreshing what no version counts (a commitment's progress on the
//    follow-up board), sent after the one it replaces on the same connection. The first state of
//    each connection is the server's snapshot and is always taken (after a restart from a
//    restored database the server's word wins over what the page remembers);
//  - answers a `patch` whose `base_version` is not the version it holds with `resync`;
//  - keeps the server's clock: `time` is asked on every connect and every minute, and `now()`
//    is the server's time, measured from the midpoint of the round trip on a monotonic clock.
//
// API:
//   import { connectLive } from "./live-client.js";
//   const live = connectLive({
//     namespace: "/live",                       // or "/control"
//     auth: () => ({ episode: 7 }),             // asked again before every (re)connect
//     onState: (state, { snap, previous }) => {},  // snap: not the direct successor of `previous`
//     onStatus: (status) => {},                 // "connecting" | "online" | "offline"
//   });
//   live.version     the version of the last state passed on (null before the first)
//   live.state       that state
//   live.now()       the server's time in epoch milliseconds (the local clock until synced)
//   live.resync()    ask for the full state again
//   live.emit(event, data, ack?)  live.on(event, handler)   any other event (`presence`, `reload` …)
//   live.close()     disconnect for good

import { io } from "../vendor/socket.io/socket.io.esm.min.js";

const CLOCK_EVERY_MS = 60_000;
const CLOCK_TIMEOUT_MS = 5_000;
// After the network comes back, a connection that does not answer within this is dead.
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Delays for attempt 1, 2, 3 …: growing from `first` by `factor` up to `cap`, each drawn from
 * its upper half. The growth is gentle, so that after a server restart of a few seconds the
 * next attempt is never far off; the cap keeps a crowd of clients from hammering a server that
 * stays down.
 */
export class Backoff {
  constructor({ first = 300, cap = 3_000, factor = 1.5 } = {}) {
    Object.assign(this, { first, cap, factor, attempts: 0 });
  }

  next() {
    const ceiling = Math.min(this.cap, this.first * this.factor ** this.attempts);
    this.attempts += 1;
    // "Equal jitter": never below half the ceiling, so a crowd of displays spreads out
    // after a restart without any of them hammering the server.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  reset() {
    this.attempts = 0;
  }
}

/** The server's clock, as an offset from this page's monotonic clock. */
export class ServerClock {
  constructor() {
    this.offset = null;
    this.roundTrip = null;
  }

  /** One `time` answer: sent and received on performance.now(), the server's epoch ms. */
  sample(sentAt, receivedAt, serverNow) {
    const roundTrip = receivedAt - sentAt;
    if (!(roundTrip >= 0) || typeof serverNow !== "number") return;
    this.offset = serverNow - (sentAt + roundTrip / 2);
    this.roundTrip = roundTrip;
  }

  now() {
    return this.offset === null ? Date.now() : performance.now() + this.offset;
  }
}

export function connectLive({ namespace = "/live", auth = () => ({}), onState = () => {},
                              onStatus = () => {}, backoff = new Backoff() } = {}) {
  // Reconnection is ours, not socket.io's: its own gives up on a refused connect, ours doesn't.
  const socket = io(namespace, {
    autoConnect: false,
    reconnection: false,
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    timeout: 8_000,
    auth: (callback) => callback(auth()),
  });
  const clock = new ServerClock();
  const client = { version: null, state: null, now: () => clock.now() };
  let freshConnection = true;
  let retryTimer = null;
  let closed = false;

  function take(state) {
    if (!state || typeof state.version !== "number") return;
    const first = freshConnection;
    freshConnection = false;
    if (!first && client.version !== null && state.version < client.version) return; // stale
    const previous = client.version;
    client.version = state.version;
    client.state = state;
    onState(state, { previous, snap: previous === null || state.version !== previous + 1 });
  }

  function resync() {
    if (socket.connected) socket.emit("resync");
  }

  function applyPatch(patch) {
    if (!patch || client.state === null || patch.base_version !== client.version) {
      resync(); // we missed something: only the full state is safe now
      return;
    }
    const { base_version: _base, ...changes } = patch;
    take({ ...client.state, ...changes });
  }

  function syncClock() {
    if (!socket.connected) return;
    const sentAt = performance.now();
    socket.timeout(CLOCK_TIMEOUT_MS).emit("time", {}, (error, reply) => {
      if (!error && reply) clock.sample(sentAt, performance.now(), reply.now);
    });
  }

  function connectNow() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (!closed && !socket.connected) socket.connect();
  }

  function reconnectLater({ atOnce = false } = {}) {
    if (closed || retryTimer !== null || socket.connected) return;
    retryTimer = setTimeout(connectNow, atOnce ? 0 : backoff.next());
  }

  /** The network is back: reconnect now, or make sure the connection we think we have works. */
  function networkBack() {
    if (closed) return;
    backoff.reset();
    if (!socket.connected) {
      connectNow();
      return;
    }
    // A connection that lived through the outage may be dead without knowing it yet (no ping
    // for 25 s): ask for the full state, and if the question is not even acknowledged soon,
    // the connection is dead: make a new one.
    socket.timeout(PROBE_TIMEOUT_MS).emit("resync", {}, (error) => {
      if (!error) return;
      socket.disconnect(); // "io client disconnect": reconnected here, not by the handler
      freshConnection = true;
      connectNow();
    });
  }

  // The server sends the snapshot from its connect handler, and socket.io delivers it *before*
  // the "connect" event: so a connection is marked fresh when the previous one ends, not here.
  socket.on("connect", () => {
    backoff.reset();
    onStatus("online");
    syncClock();
    if (freshConnection) resync(); // the snapshot did not come with the connection: ask for it
  });
  socket.on("disconnect", (reason) => {
    freshConnection = true;
    onStatus("offline");
    // The first attempt goes at once (a dropped connection, a restarting server's first
    // moments); the backoff only spaces out the attempts that fail after it.
    if (reason !== "io client disconnect") reconnectLater({ atOnce: true });
  });
  socket.on("connect_error", () => {
    onStatus("offline");
    reconnectLater();
  });
  socket.on("state", take);
  socket.on("patch", applyPatch);
  const clockTimer = setInterval(syncClock, CLOCK_EVERY_MS);
  window.addEventListener("online", networkBack);

  Object.assign(client, {
    resync,
    emit: (event, data, ack) => (ack ? socket.emit(event, data, ack) : socket.emit(event, data)),
    on: (event, handler) => socket.on(event, handler),
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(clockTimer);
      window.removeEventListener("online", networkBack);
      socket.disconnect();
    },
  });
  onStatus("connecting");
  socket.connect();
  return client;
}
