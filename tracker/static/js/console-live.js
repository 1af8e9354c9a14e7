// The console's live channel, on the shared live-client.js: `/control` brings the episode's
// state and who is watching (producers only, by the session cookie); `/live` is used only for
// the server's clock (it has the `time` ack). Both reconnect forever with backoff and jitter,
// and the server sends the whole state again on every reconnect.

import { connectLive } from "./live-client.js";

/**
 * Connect for `episodeId`. Callbacks: onState(state, {snapshot}), onPresence(clients),
 * onStatus("connecting" | "online" | "offline", {reconnected}).
 */
export function connect(episodeId, { onState, onPresence, onStatus }) {
  let everOnline = false;
  let fresh = false;
  const control = connectLive({
    namespace: "/control",
    auth: () => ({ episode: episodeId }),
    // The first state of a connection is the server's snapshot: it wins even over a newer
    // version remembered here (a server restored from a backup starts lower).
    onState: (state) => {
      onState(state, { snapshot: fresh });
      fresh = false;
    },
    onStatus: (status) => {
      if (status === "online") fresh = true;
      onStatus(status, { reconnected: status === "online" && everOnline });
      if (status === "online") everOnline = true;
    },
  });
  control.on("presence", (payload) => onPresence(payload?.clients || []));
  const clock = connectLive({ namespace: "/live", auth: () => ({ episode: episodeId }) });

  // A tab that slept (laptop lid, background throttling) asks for the latest state when it wakes.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") control.resync();
  });

  /** A command on /control; resolves with its `ok` (false if no answer within 5 s). */
  const ask = (event, data) => new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    control.emit(event, data, (answer) => {
      clearTimeout(timer);
      resolve(Boolean(answer?.ok));
    });
  });

  return {
    /** The server's time in epoch ms: the clocks on air must not depend on this machine's clock. */
    now: () => clock.now(),
    resync: () => control.resync(),
    /** Any other event on /control (`tally`: the open poll's live counts). */
    on: (event, handler) => control.on(event, handler),
    /** Ask one display to reload; resolves true when the server reached it. */
    reloadDisplay: (key) => ask("reload_display", { key }),
    /** Drop a display that is gone from the list; resolves true when it was dropped. */
    forgetDisplay: (key) => ask("forget_display", { key }),
  };
}
