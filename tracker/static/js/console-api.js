// The console's side of the JSON API. Actions run one after another, each carrying the
// episode version the console last saw; a 409 redraws from the running order in its body and
// says so. No failure is silent and none reloads the page.

import { t } from "./console-util.js";

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

/** One request; never throws. `status` 0 means the server could not be reached. */
export async function request(method, path, body, { signal } = {}) {
  const headers = { Accept: "application/json", "X-CSRF-Token": csrfToken };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, headers, credentials: "same-origin", signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    return { ok: false, status: 0, data: null, aborted: error?.name === "AbortError" };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data };
}

export function createApi(store, notify) {
  const episodePath = `/episodes/${store.episodeId}`;
  let queue = Promise.resolve();
  // version sent → version answered, for our own successes only: a key pressed while an
  // earlier action was in flight follows its own console's changes, never anyone else's.
  const advanced = new Map();

  function versionFrom(basis) {
    let version = basis;
    while (advanced.has(version)) version = advanced.get(version);
    return version;
  }

  /** Run `task(version)` after every earlier action, with the version seen when it was asked for. */
  function enqueue(task) {
    const basis = store.version;
    queue = queue.then(() => task(versionFrom(basis))).catch(() => notify(t("network_error"), "error"));
    return queue;
  }

  /** Say why a request failed; `words` names the message for an error code where the
   *  action needs its own ("undo" after the end says nothing can be undone). */
  function report(result, words = {}) {
    if (result.aborted) return;
    const error = result.data?.error;
    if (result.status === 409 && result.data?.rundown) store.applyRundown(result.data.rundown, { force: true });
    if (result.status === 0) {
      notify(t("network_error"), "error");
    } else if (result.status === 401 || result.status === 403) {
      notify(t("forbidden"), "error");
    } else {
      const key = words[error?.code] || `conflicts.${error?.code}`;
      const known = error?.code && t(key);
      const text = known && known !== key ? known : t("server_error", { message: error?.message || result.status });
      notify(text, result.status === 409 ? "warning" : "error");
    }
  }

  /** Send an episode change with `version` (POST unless `method` says); apply the order it answers. */
  async function change(path, body, version, { method = "POST", words = {} } = {}) {
    const result = await request(method, `${episodePath}${path}`, { ...body, version });
    if (!result.ok) {
      report(result, words);
      return result;
    }
    if (result.data?.version === version + 1) advanced.set(version, result.data.version);
    // The answer is complete for its version, even if a pushed state of that version came first.
    store.applyRundown(result.data, { force: true });
    return result;
  }

  let fetching = null;
  /** The full running order again (details a pushed state lacks); concurrent asks share one fetch. */
  function refreshRundown() {
    if (!fetching) {
      fetching = request("GET", `${episodePath}/rundown`).then((result) => {
        fetching = null;
        if (result.ok) store.applyRundown(result.data, { force: true });
      });
    }
    return fetching;
  }
  store.needRundown = refreshRundown;

  /** An item action; `pick` chooses the item when the action runs (after any earlier one), so
   *  N then Space takes the case just put on standby. `missing` is said when there is none. */
  function act(action, pick, missing = "") {
    return enqueue((version) => {
      const item = pick();
      if (!item) {
        if (missing) notify(missing, "info");
        return null;
      }
      if (!store.allows(item, action)) {
        notify(t("not_possible", { action: t(`actions.${action}`), state: t(`states.${item.state}`) }), "warning");
        return null;
      }
      return change(`/rundown/${item.id}/${action}`, {}, version);
    });
  }

  function episodeChange(which) {
    return enqueue(async (basis) => {
      const result = await request("POST", `${episodePath}/${which}`, {});
      if (!result.ok) {
        report(result);
        return result;
      }
      const episode = result.data;
      // A take asked for together with the start follows the start's version.
      if (episode.version === basis + 1) advanced.set(basis, episode.version);
      store.patchLive({ episode: { ...store.live.episode, status: episode.status, started_at: episode.started_at,
        ended_at: episode.ended_at } }, episode.version);
      await refreshRundown();
      return result;
    });
  }

  /** A strap change (preview, take, out); what the answer confirms shows before the push. */
  function strap(path, body, patch) {
    return enqueue(async (version) => {
      const result = await change(`/graphic${path}`, body, version);
      if (result.ok) store.patchLive({ graphic: { ...store.graphic(), ...patch(store.graphic()) } }, result.data.version);
      return result;
    });
  }

  /** A request about one commitment; the pushed state brings the change to every list. */
  function commitmentChange(method, path, body) {
    return enqueue(async () => {
      const result = await request(method, `/commitments${path}`, body);
      if (!result.ok && result.status !== 422) report(result);
      return result;
    });
  }

  return {
    refreshRundown,
    act,
    move: (itemId, position) => enqueue((version) => change(`/rundown/${itemId}/move`, { position }, version)),
    remove: (itemId) => enqueue((version) => change(`/rundown/${itemId}/remove`, {}, version)),
    /** Undo the last on-air action; the notice says what it was. */
    undo: () => enqueue(async (version) => {
      const result = await change("/rundown/undo", {}, version, { words: { episode_ended: "undo_ended" } });
      const description = result.data?.undone?.description;
      if (result.ok) notify(description ? t("undone", { description }) : t("undone_plain"), "success");
      return result;
    }),
    /** Standby on air and the next queued case to standby, in one step. */
    takeNext: () => enqueue((version) => {
      if (store.inState("standby")) return change("/rundown/take-next", {}, version);
      notify(t("nothing_on_standby"), "info");
      return null;
    }),
    setPlanned: (itemId, seconds) => enqueue((version) =>
      change(`/rundown/${itemId}`, { planned_seconds: seconds }, version, { method: "PATCH" })),
    start: () => episodeChange("start"),
    end: () => episodeChange("end"),

    screen: (cleared) => enqueue(async (version) => {
      const result = await change("/screen", { cleared }, version);
      if (result.ok) store.patchLive({ screen: { cleared } }, result.data.version);
      return result;
    }),

    cue: (kind, id = null) => strap("/preview", { kind, id }, () => ({ preview: kind === "none" ? null : { kind, id } })),
    takeStrap: (autoOut) => strap("/take", autoOut > 0 ? { auto_out_seconds: autoOut } : {},
      (graphic) => (graphic.preview ? { ...graphic.preview, preview: null } : {})),
    strapOut: () => strap("/out", {}, () => ({ kind: "none", id: null, taken_at: null, out_at: null })),

    correctCommitment: (id, body) => commitmentChange("PATCH", `/${id}`, body),
    withdrawCommitment: (id, reason) => commitmentChange("POST", `/${id}/withdraw`, { reason }),

    /** Append a case, queued; the pushed state (or the refetch) brings the new row. */
    addCase: (caseId, plannedSeconds) => enqueue(async () => {
      const result = await request("POST", `${episodePath}/rundown`, { case_id: caseId, planned_seconds: plannedSeconds });
      if (!result.ok) report(result);
      else await refreshRundown();
      return result;
    }),

    /** Record a commitment; it is listed at once, and later actions wait for its version. */
    recordCommitment: (body) => enqueue(async (basis) => {
      const result = await request("POST", "/commitments", { ...body, episode_id: store.episodeId });
      if (result.status === 422) return result; // the form shows the fields
      if (!result.ok) {
        report(result);
        return result;
      }
      const id = result.data.id;
      const carries = (state) => state.commitments.some((c) => c.id === id);
      // The pushed state may have overtaken this answer.
      if (!carries(store.live)) store.recordCommitment(result.data);
      const state = carries(store.live) ? store.live : await store.waitForState(carries);
      if (state && state.version === basis + 1) advanced.set(basis, state.version);
      return result;
    }),

    get: (path, options) => request("GET", path, undefined, options),
  };
}
