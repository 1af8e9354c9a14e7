// Timing to the second, per row of the running order: the planned start, back-timed from the
// episode's scheduled end (the last item ends exactly then), and the cumulative over/under so
// far (actual − planned for the items that ran, live for the one on air). The planned time is
// edited in place: click it, or press E for the selection; Enter saves, Esc cancels.

import { clock, epoch, setClass, setText, t, timeInZone } from "./console-util.js";

const MAX_SECONDS = 6 * 3600;

/** Items that will not air (skipped, held) take no time in the plan. */
function counts(item) {
  return item.state !== "skipped" && item.state !== "held";
}

/** Seconds the item has been on air, all stints together, the running one included. */
export function onAirSeconds(item, now) {
  const running = item.state === "on_air" ? epoch(item.started_at) : null;
  return (item.actual_seconds || 0) + (running ? Math.max(0, (now - running) / 1000) : 0);
}

/** Item id → planned start (epoch ms), back-timed from `scheduledEnd` (epoch ms). */
export function backTimes(items, scheduledEnd) {
  const starts = new Map();
  if (!scheduledEnd) return starts;
  let end = scheduledEnd;
  for (const item of [...items].reverse()) {
    if (!counts(item)) continue;
    end -= (item.planned_seconds || 0) * 1000;
    starts.set(item.id, end);
  }
  return starts;
}

/** Item id → seconds over (+) or under (−) the plan, summed over the items that ran up to it. */
export function cumulative(items, now) {
  const running = new Map();
  let sum = 0;
  for (const item of items) {
    const ran = item.state === "on_air" || item.state === "done" || (item.actual_seconds || 0) > 0;
    if (!ran) continue;
    sum += onAirSeconds(item, now) - (item.planned_seconds || 0);
    running.set(item.id, sum);
  }
  return running;
}

/** "+01:20" over, "−00:35" under. */
export function signed(seconds) {
  const whole = Math.round(seconds);
  if (whole === 0) return clock(0);
  return `${whole > 0 ? "+" : "−"}${clock(Math.abs(whole))}`;
}

/** "8" or "7.5" minutes, "7:30", "1:02:03" → seconds; null if it is none of those. */
export function parsePlanned(text) {
  const value = text.trim();
  let seconds = null;
  if (/^\d+(\.\d+)?$/.test(value)) {
    seconds = Math.round(Number.parseFloat(value) * 60);
  } else if (/^\d+(:\d{1,2}){1,2}$/.test(value)) {
    const parts = value.split(":").map(Number);
    if (parts.slice(1).some((part) => part > 59)) return null;
    seconds = parts.reduce((total, part) => total * 60 + part, 0);
  }
  return seconds != null && seconds <= MAX_SECONDS ? seconds : null;
}

export function createTiming(store, api, notify, focusTable) {
  const body = document.querySelector("[data-rundown-body]");
  const cell = (row, name) => row.querySelector(`[data-cell="${name}"]`);
  const rowOf = (id) => body.querySelector(`tr[data-item-id="${id}"]`);

  function render() {
    const starts = backTimes(store.items(), epoch(store.live.episode.scheduled_end));
    for (const item of store.items()) {
      const row = rowOf(item.id);
      if (!row) continue;
      const start = starts.get(item.id);
      setText(cell(row, "start"), start == null ? "—" : timeInZone(start, store.zone, true));
      const plan = row.querySelector("[data-edit-plan]");
      if (plan) plan.disabled = store.ended;
    }
  }

  function tick(now) {
    const over = cumulative(store.items(), now);
    for (const item of store.items()) {
      const row = rowOf(item.id);
      if (!row) continue;
      const node = cell(row, "over");
      const seconds = over.get(item.id);
      setText(node, seconds == null ? "" : signed(seconds));
      setClass(node, "is-over", seconds != null && Math.round(seconds) > 0);
      setClass(node, "is-under", seconds != null && Math.round(seconds) < 0);
    }
  }

  function edit(id) {
    const item = store.item(id);
    const row = rowOf(id);
    if (!item || !row) return;
    if (store.ended) {
      notify(t("show_ended"), "info");
      return;
    }
    const button = row.querySelector("[data-edit-plan]");
    if (row.querySelector(".plan-input")) return;
    const input = document.createElement("input");
    input.type = "text";
    input.className = "plan-input";
    input.inputMode = "numeric";
    input.value = item.planned_seconds == null ? "" : clock(item.planned_seconds);
    input.setAttribute("aria-label", t("plan_label", { title: item.case.title || "" }));
    button.hidden = true;
    button.after(input);
    input.focus();
    input.select();
    let open = true;
    const finish = () => {
      if (!open) return;
      open = false;
      input.remove();
      button.hidden = false;
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const seconds = parsePlanned(input.value);
        if (seconds == null) {
          notify(t("plan_invalid"), "warning");
          return;
        }
        finish();
        focusTable();
        if (seconds !== item.planned_seconds) api.setPlanned(id, seconds);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation(); // Esc cancels the edit; it does not clear the screen
        finish();
        focusTable();
      }
    });
    input.addEventListener("blur", finish);
  }

  body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-edit-plan]");
    if (button) edit(Number(button.closest("tr[data-item-id]").dataset.itemId));
  });

  store.subscribe(render);
  return { render, tick, edit };
}
