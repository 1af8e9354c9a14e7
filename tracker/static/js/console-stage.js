// The big on-air and standby boxes, the episode's status and its controls (start, end,
// clear screen / resume). Everything is updated in place from the store.

import { confirmDialog } from "./console-dialog.js";
import { clock, setAttr, setClass, setHidden, setText, t } from "./console-util.js";

const STATUS_TONES = { planned: "badge-neutral", live: "badge-danger", ended: "badge-ok" };

function featuredCase(store, item, slot) {
  // The pushed state names every department; the running order only the lead.
  const live = store.live[slot];
  if (live && live.item_id === item.id) return live.case.departments.join("、");
  return item.case?.lead_department?.name || "";
}

function renderCard(store, slot) {
  const card = document.querySelector(`[data-stage="${slot}"]`);
  if (!card) return;
  const item = store.inState(slot);
  const field = (name) => card.querySelector(`[data-stage-field="${name}"]`);
  setClass(card, "is-empty", !item);
  setText(field("ref"), item ? (item.kind === "followup" ? t("followup_tag") : item.case.ref || "") : "");
  setText(field("title"), item ? item.case.title : "");
  setText(field("departments"), item ? featuredCase(store, item, slot) : "");
  setText(field("planned"), item ? clock(item.planned_seconds) : "—");
  setHidden(card.querySelector("[data-stage-empty]"), Boolean(item));
  const button = card.querySelector("[data-stage-action]");
  if (button) button.disabled = !item || store.ended;
}

function renderEpisode(store) {
  const status = store.live.episode.status;
  const badge = document.querySelector("[data-episode-status] .badge");
  if (badge) {
    setText(badge, t(`episode_status.${status}`));
    setAttr(badge, "class", `badge ${STATUS_TONES[status] || ""}`);
  }
  setHidden(document.querySelector('[data-episode-action="start"]'), status !== "planned");
  setHidden(document.querySelector('[data-episode-action="end"]'), status !== "live");
  const cleared = Boolean(store.live.screen?.cleared);
  setHidden(document.querySelector('[data-screen="clear"]'), cleared);
  for (const resume of document.querySelectorAll('[data-screen="resume"]')) setHidden(resume, !cleared);
  setHidden(document.querySelector("[data-cleared-banner]"), !cleared);
  setClass(document.body, "screen-is-cleared", cleared);
  setClass(document.body, "episode-is-ended", status === "ended");
  setHidden(document.querySelector("[data-ended-banner]"), status !== "ended");
  const clear = document.querySelector('[data-screen="clear"]');
  if (clear) clear.disabled = status === "ended";
}

/**
 * Taking on air, the one way every button and key does it: after the end it is refused here
 * (the server would refuse it too); before the start it asks whether to start the show now.
 */
export function createTakes(store, api, notify) {
  /** Before the start, ask; resolves true once the start is on its way (the take follows it). */
  async function startFirst() {
    const yes = await confirmDialog({ heading: t("ask_start_title"), text: t("ask_start_body"),
      confirm: t("ask_start_confirm"), danger: false });
    if (yes) api.start();
    return yes;
  }

  /** Run `go` now on a live show; after the end say no; before the start ask first. */
  async function whenLive(go, hasSomething) {
    const status = store.live.episode.status;
    if (status === "ended") {
      notify(t("show_ended"), "info");
    } else if (status !== "planned") {
      go(); // the item is chosen when the action runs, after any action still in flight
    } else if (hasSomething() && await startFirst()) {
      go();
    }
  }

  return {
    /** Take the item `pick()` chooses (the standby case when none is given). */
    take(pick = () => store.inState("standby"), missing = t("nothing_on_standby")) {
      const has = () => {
        if (!pick()) notify(missing, "info");
        return Boolean(pick());
      };
      return whenLive(() => api.act("take", pick, missing), has);
    },
    takeNext() {
      const has = () => {
        if (!store.inState("standby")) notify(t("nothing_on_standby"), "info");
        return Boolean(store.inState("standby"));
      };
      return whenLive(() => api.takeNext(), has);
    },
  };
}

export function createStageView(store, api, notify, focusTable, takes) {
  function render() {
    renderCard(store, "on_air");
    renderCard(store, "standby");
    renderEpisode(store);
  }

  async function clearScreen() {
    if (store.ended) {
      notify(t("show_ended"), "info");
      return;
    }
    if (store.live.screen?.cleared) {
      notify(t("already_cleared"), "info");
      document.querySelector('.console-bar [data-screen="resume"]')?.focus();
      return;
    }
    const yes = await confirmDialog({ heading: t("ask_clear_title"), text: t("ask_clear_body"),
      confirm: t("ask_clear_confirm") });
    if (yes) {
      const result = await api.screen(true);
      if (result?.ok) notify(t("screen_cleared"), "warning");
    }
  }

  async function resume() {
    const result = await api.screen(false);
    if (result?.ok) notify(t("screen_resumed"), "success");
    focusTable();
  }

  async function endEpisode() {
    const yes = await confirmDialog({ heading: t("ask_end_title"), text: t("ask_end_body"),
      confirm: t("ask_end_confirm") });
    if (yes) api.end();
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-screen], [data-episode-action], [data-stage-action]");
    if (!target) return;
    if (target.dataset.screen === "clear") clearScreen();
    else if (target.dataset.screen === "resume") resume();
    else if (target.dataset.episodeAction === "start") api.start();
    else if (target.dataset.episodeAction === "end") endEpisode();
    else if (target.dataset.stageAction === "take") takes.take();
    else if (target.dataset.stageAction === "done") api.act("done", () => store.inState("on_air"));
    // The keyboard belongs to the show again at once (Space is Take), not to the pressed button.
    if (target.dataset.stageAction || target.dataset.episodeAction === "start") focusTable();
  });

  store.subscribe(render);
  return { render, clearScreen };
}
