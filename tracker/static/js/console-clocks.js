// The clocks, four times a second on the server's time: the on-air case's elapsed time and
// how far over or under its plan, the episode's total, and the projected end against the
// scheduled end. Only text nodes change; the table is never redrawn for a tick.

import { clock, epoch, humanDuration, setClass, setText, t, timeInZone } from "./console-util.js";

const TICK_MS = 250;

function node(name) {
  return document.querySelector(`[data-clock="${name}"]`);
}

/** Seconds the item has been on air, all stints together. */
function elapsedOnAir(item, now) {
  const started = epoch(item.started_at);
  return (item.actual_seconds || 0) + (started ? Math.max(0, (now - started) / 1000) : 0);
}

/** The planned seconds still ahead: what is left of the case on air, then standby and queued. */
function remainingPlan(items, now) {
  let seconds = 0;
  for (const item of items) {
    if (item.state === "queued" || item.state === "standby") seconds += item.planned_seconds || 0;
    if (item.state === "on_air" && item.planned_seconds != null) {
      seconds += Math.max(0, item.planned_seconds - elapsedOnAir(item, now));
    }
  }
  return seconds;
}

function tickOnAir(store, now) {
  const item = store.inState("on_air");
  const elapsedNode = node("onair");
  const delta = node("onair-delta");
  if (!item) {
    setText(elapsedNode, "—");
    setText(delta, "");
    setClass(delta, "is-over", false);
    setClass(elapsedNode, "is-over", false);
    return;
  }
  const elapsed = elapsedOnAir(item, now);
  setText(elapsedNode, clock(elapsed));
  const row = document.querySelector(`tr[data-item-id="${item.id}"] [data-cell="actual"]`);
  setText(row, clock(elapsed));
  if (item.planned_seconds == null) {
    setText(delta, t("no_plan"));
    setClass(delta, "is-over", false);
    setClass(elapsedNode, "is-over", false);
    return;
  }
  const over = elapsed - item.planned_seconds;
  setText(delta, over > 0 ? t("over", { time: `+${clock(over)}` }) : t("left", { time: clock(-over) }));
  setClass(delta, "is-over", over > 0);
  setClass(elapsedNode, "is-over", over > 0);
  setClass(row, "is-over", over > 0);
}

function tickEpisode(store, now) {
  const episode = store.live.episode;
  const started = epoch(episode.started_at);
  const ended = epoch(episode.ended_at);
  setText(node("total"), started ? clock(((ended || now) - started) / 1000) : "—");

  const scheduledEnd = epoch(episode.scheduled_end);
  let projected = null;
  if (ended) {
    projected = ended;
  } else {
    const scheduledStart = epoch(episode.scheduled_start);
    const from = started ? now : Math.max(now, scheduledStart || now);
    projected = from + remainingPlan(store.items(), now) * 1000;
  }
  setText(node("projected"), timeInZone(projected, store.zone));
  // The countdown to the scheduled end: what the show has left, "+" once past it.
  const countdown = node("countdown");
  const left = scheduledEnd && !ended ? Math.ceil((scheduledEnd - now) / 1000) : null;
  setText(countdown, left == null ? "—" : left >= 0 ? clock(left) : `+${clock(-left)}`);
  setClass(countdown, "is-late", left != null && left < 0);
  const delta = node("projected-delta");
  if (!scheduledEnd) {
    setText(delta, "");
    setClass(delta, "is-late", false);
    setClass(node("projected"), "is-late", false);
    return;
  }
  const late = Math.round((projected - scheduledEnd) / 1000);
  const size = Math.abs(late) < 3600 ? clock(late) : humanDuration(Math.abs(late));
  const text = Math.abs(late) < 30 ? t("on_time") : t(late > 0 ? "late" : "early", { time: size });
  setText(delta, text);
  setClass(delta, "is-late", late >= 30);
  setClass(node("projected"), "is-late", late >= 30);
}

/** Start ticking; `extra(now)` runs on every tick too (the displays' "离线 12 秒"). */
export function startClocks(store, serverNow, extra = () => {}) {
  const tick = () => {
    const now = serverNow();
    setText(node("now"), timeInZone(now, store.zone, true));
    tickOnAir(store, now);
    tickEpisode(store, now);
    extra(now);
  };
  tick();
  setInterval(tick, TICK_MS);
  // A pushed change shows in the clocks at once, not on the next tick.
  store.subscribe(tick);
}
