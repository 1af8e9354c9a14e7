// layout=timer: the presenter's timer on the studio floor monitor. The on-air item's time left —
// planned seconds minus its time on air (earlier stints plus now − started_at, on the server's
// clock) — very large; red and counting up once it runs over. The item small underneath, and
// the time to the show's scheduled end. In preview, the standby item's planned time, standing.

import { duration, message } from "./display-format.js";
import { fitText, fitsOf, setText, show } from "./display-dom.js";

/** "12:34" left, or "+01:05" over. */
export function timeLeft(planned, elapsed) {
  const left = planned - elapsed;
  return left >= 0 ? duration(Math.ceil(left)) : `+${duration(-left)}`;
}

export class Timer {
  constructor(root) {
    this.root = root;
    this.panel = root.querySelector("[data-timer]");
    this.timing = null;
    this.endsAt = null;
  }

  render(view) {
    const { root } = this;
    const item = view.featured;
    this.endsAt = view.endsAt;
    const isBlock = item && item.kind === "followup";
    setText(root, "timer.ref", item ? (isBlock ? message("msgFollowup") : item.case.ref) : "");
    setText(root, "timer.title", item ? item.case.title : "");
    setText(root, "timer.planned", item && item.planned_seconds
      ? message("msgPlanned", { time: duration(item.planned_seconds) }) : "");
    this.timing = item ? {
      startedAt: view.preview ? NaN : Date.parse(item.started_at),
      earlier: view.preview ? 0 : item.actual_seconds || 0,
      planned: item.planned_seconds || 0,
    } : null;
    fitText(root.querySelector(".timer-item"), fitsOf(root, ".timer-title", 30, 2));
  }

  tick(now) {
    const { root, timing } = this;
    let state = "idle";
    if (timing) {
      const running = Number.isFinite(timing.startedAt) ? Math.max(0, (now - timing.startedAt) / 1000) : 0;
      const elapsed = timing.earlier + running;
      // Without a planned time there is nothing to count down to: the time on air, counting up.
      setText(root, "timer.clock", timing.planned ? timeLeft(timing.planned, elapsed) : duration(elapsed));
      state = timing.planned && elapsed > timing.planned ? "over" : "left";
    } else {
      setText(root, "timer.clock", "--:--");
    }
    this.panel.dataset.timer = state;
    show(root.querySelector("[data-timer-left]"), state === "left");
    show(root.querySelector("[data-timer-over]"), state === "over");
    show(root.querySelector("[data-timer-idle]"), state === "idle");
    const showLeft = this.endsAt !== null ? (this.endsAt - now) / 1000 : null;
    setText(root, "timer.show", showLeft !== null && showLeft > 0
      ? message("msgShowLeft", { time: duration(Math.ceil(showLeft)) }) : "");
  }
}
