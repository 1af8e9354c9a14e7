// What the console knows: the running order (with the details only the JSON API gives), the
// live state (from `/control`), who is watching, and which row is selected. Every source —
// an action's answer, a 409's body, a pushed `state` — goes through here, and an older
// version never replaces a newer one. Views subscribe and redraw in place.

function byPosition(items) {
  return [...items].sort((a, b) => a.position - b.position || a.id - b.id);
}

/** The running order described by a `state`, keeping what the state does not carry
 *  (lead department, stint times) from the items already known. */
function mergeQueue(items, state) {
  const known = new Map(items.map((item) => [item.id, item]));
  const featured = [state.on_air, state.standby].filter(Boolean);
  let incomplete = false;
  const merged = state.queue.map((entry) => {
    const old = known.get(entry.item_id);
    if (!old || old.state !== entry.state) incomplete = true; // new item, or its times moved
    const item = {
      id: entry.item_id, case_id: entry.case.id, started_at: null, ended_at: null, actual_seconds: 0,
      ...old,
      kind: entry.kind || old?.kind || "case",
      ...(entry.followup_count != null ? { followup_count: entry.followup_count } : {}),
      state: entry.state, position: entry.position, planned_seconds: entry.planned_seconds,
      case: { lead_department: null, ...(old ? old.case : {}), ...entry.case },
    };
    // The state's queue carries each item's times; older servers only those of on air and standby.
    if ("actual_seconds" in entry) {
      Object.assign(item, { started_at: entry.started_at, ended_at: entry.ended_at, actual_seconds: entry.actual_seconds });
    }
    const live = featured.find((f) => f.item_id === entry.item_id);
    if (live) Object.assign(item, { started_at: live.started_at, actual_seconds: live.actual_seconds });
    return item;
  });
  return { items: byPosition(merged), incomplete };
}

export class Store {
  constructor(data) {
    this.episodeId = data.episode_id;
    this.moves = data.moves;
    this.zone = data.zone;
    this.me = data.me;
    this.rundown = { version: data.rundown.version, items: byPosition(data.rundown.items) };
    this.live = data.state;
    this.presence = [];
    this.recorded = new Map(); // commitments recorded here that no `state` has carried yet
    this.selectedId = null;
    this.listeners = new Set();
    this.waiters = [];
    this.pending = false;
    this.needRundown = () => {};
  }

  /** The newest episode version seen from any source: what the next action is based on. */
  get version() {
    return Math.max(this.rundown.version, this.live.version);
  }

  subscribe(listener) {
    this.listeners.add(listener);
  }

  /** Redraw once per task, however many changes arrived in it. */
  changed() {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      for (const listener of this.listeners) listener(this);
    });
  }

  items() {
    return this.rundown.items;
  }

  item(id) {
    return this.rundown.items.find((item) => item.id === id) || null;
  }

  inState(state) {
    return this.rundown.items.find((item) => item.state === state) || null;
  }

  allows(item, action) {
    return Boolean(item) && (this.moves[item.state] || []).includes(action);
  }

  /** A running order from the API; `force` takes an equal version too (a 409's current order). */
  applyRundown(rundown, { force = false } = {}) {
    if (!rundown || !Array.isArray(rundown.items)) return;
    if (rundown.version < this.rundown.version || (!force && rundown.version === this.rundown.version)) return;
    this.rundown = { version: rundown.version, items: byPosition(rundown.items) };
    this.changed();
  }

  /** A pushed state; a connection's first (`snapshot`) is the server's word even if older. */
  applyState(state, { snapshot = false } = {}) {
    if (!state || (!snapshot && state.version < this.live.version)) return;
    this.live = state;
    if (state.version > this.rundown.version || (snapshot && state.version !== this.rundown.version)) {
      const { items, incomplete } = mergeQueue(this.rundown.items, state);
      this.rundown = { version: state.version, items };
      if (incomplete) this.needRundown();
    }
    for (const commitment of state.commitments) this.recorded.delete(commitment.id);
    this.waiters = this.waiters.filter((waiter) => !waiter(state));
    this.changed();
  }

  /** What an answer confirms about the live state before the pushed `state` arrives. */
  patchLive(changes, version) {
    if (version < this.live.version) return;
    this.live = { ...this.live, ...changes, version };
    this.changed();
  }

  setPresence(clients) {
    this.presence = clients || [];
    this.changed();
  }

  recordCommitment(commitment) {
    this.recorded.set(commitment.id, {
      id: commitment.id, case_id: commitment.case_id, department: commitment.department.name,
      official_name: commitment.official_name, official_title: commitment.official_title,
      content: commitment.content, deadline: commitment.deadline, quote: commitment.quote || null,
    });
    this.changed();
  }

  /** What the strap shows on program, and what is cued on preview. */
  graphic() {
    return { kind: "none", id: null, item_id: null, taken_at: null, out_at: null, preview: null, ...this.live.graphic };
  }

  commitment(id) {
    return this.commitments().find((c) => c.id === id) || null;
  }

  /** The episode is over: the server refuses every on-air action, and the console offers none. */
  get ended() {
    return this.live.episode?.status === "ended";
  }

  /** This episode's commitments, oldest first: the pushed ones and any just recorded here. */
  commitments() {
    const listed = this.live.commitments || [];
    const ids = new Set(listed.map((c) => c.id));
    return [...listed, ...[...this.recorded.values()].filter((c) => !ids.has(c.id))];
  }

  /** Resolves with the first `state` that satisfies `test` (or null after `timeout` ms). */
  waitForState(test, timeout = 1500) {
    return new Promise((resolve) => {
      const waiter = (state) => { if (!test(state)) return false; resolve(state); return true; };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeout);
    });
  }

  select(id) {
    if (this.selectedId === id) return;
    this.selectedId = id;
    this.changed();
  }

  /** Move the selection by `step` rows, staying inside the running order. */
  selectBy(step) {
    const items = this.items();
    if (!items.length) return;
    const index = items.findIndex((item) => item.id === this.selectedId);
    const next = index < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + step));
    this.select(items[next].id);
  }

  /** Keep a selection that still exists; otherwise pick the row that took its place. */
  settleSelection(previousIndex) {
    const items = this.items();
    if (!items.length) { this.selectedId = null; return; }
    if (this.item(this.selectedId)) return;
    const fallback = this.inState("standby") || this.inState("queued") || items[0];
    this.selectedId = previousIndex >= 0 ? items[Math.min(previousIndex, items.length - 1)].id : fallback.id;
  }
}
