// The audience vote in the console. V (or the button) opens a vote on the case on air — on the
// standby case when nothing is on air — and closes the open one. While it is open the panel shows
// the live tally (each `tally` push, at most 4 a second) and the timer's countdown. The timer
// (60 s by default) and the code mode are remembered per episode in this browser; the code mode
// goes with each opening, and the server keeps it as the episode's mode for the next vote.

import { request } from "./console-api.js";
import { clock, setClass, setHidden, setText } from "./console-util.js";

const CHOICES = ["satisfied", "basically_satisfied", "unsatisfied"];

function totalOf(counts) {
  return CHOICES.reduce((sum, choice) => sum + ((counts && counts[choice]) || 0), 0);
}

export function createVoteView(store, notify, episodeId) {
  const panel = document.querySelector("[data-vote-panel]");
  const words = panel.dataset;
  const say = (name, values = {}) => (words[name] || "").replace(/\{(\w+)\}/g, (_m, key) => values[key] ?? "");
  const toggle = panel.querySelector("[data-vote-toggle]");
  const timer = panel.querySelector("[data-vote-timer]");
  const seconds = panel.querySelector("[data-vote-seconds]");
  const codeMode = panel.querySelector("[data-vote-code-mode]");
  const saved = `console.vote:${episodeId}`;
  let tally = null; // the latest pushed counts of the open poll
  let busy = false;

  const remembered = JSON.parse(localStorage.getItem(saved) || "{}");
  timer.checked = Boolean(remembered.timer);
  seconds.value = String(remembered.seconds || 60);
  codeMode.value = remembered.codeMode || store.live.poll?.code_mode || words.defaultCodeMode || "off";
  for (const input of [timer, seconds, codeMode]) {
    input.addEventListener("change", () => localStorage.setItem(saved, JSON.stringify({
      timer: timer.checked, seconds: Number(seconds.value) || 60, codeMode: codeMode.value })));
  }

  const poll = () => store.live.poll || null;

  function counts(current) {
    if (tally && tally.poll_id === current.id && current.open && totalOf(tally.counts) >= totalOf(current.counts)) {
      return tally.counts;
    }
    return current.counts;
  }

  function render() {
    const current = poll();
    setText(panel.querySelector("[data-vote-status]"), !current ? say("msgNone")
      : say(current.open ? "msgOpen" : "msgClosed", { title: current.case?.title || "" }));
    setClass(panel, "is-open", Boolean(current?.open));
    setText(toggle.firstChild, `${say(current?.open ? "msgCloseAction" : "msgOpenAction")} `);
    setClass(toggle, "danger", Boolean(current?.open));
    setHidden(panel.querySelector("[data-vote-bars]"), !current);
    if (!current) return;
    const shown = counts(current);
    const total = totalOf(shown);
    for (const choice of CHOICES) {
      const row = panel.querySelector(`[data-vote-bar="${choice}"]`);
      const share = total ? Math.round(((shown[choice] || 0) * 100) / total) : 0;
      row.querySelector("[data-fill]").style.setProperty("--share", String(share / 100));
      setText(row.querySelector("[data-figure]"), `${shown[choice] || 0} · ${share}%`);
    }
    setText(panel.querySelector("[data-vote-total]"), say("msgVotes", { count: total }));
  }

  /** The case to vote on: the one on air, else the one on standby. */
  function target() {
    return store.inState("on_air") || store.inState("standby");
  }

  async function send(path, body, done) {
    busy = true;
    try {
      const result = await request("POST", path, body);
      if (result.ok) {
        store.patchLive({ poll: { ...result.data } }, result.data.version);
        notify(say(done), "success");
      } else {
        const message = result.data?.error?.message || String(result.status);
        notify(say("msgFailed", { message }), result.status === 409 ? "warning" : "error");
      }
    } finally {
      busy = false;
    }
  }

  function openOrClose() {
    if (busy) return;
    const current = poll();
    if (current?.open) {
      send(`/polls/${current.id}/close`, {}, "msgClosedNow");
      return;
    }
    const item = target();
    if (!item) {
      notify(say("msgNothing"), "info");
      return;
    }
    const body = { item_id: item.id, code_mode: codeMode.value };
    if (timer.checked) body.timer_seconds = Math.max(10, Math.min(600, Number(seconds.value) || 60));
    send(`/episodes/${episodeId}/polls`, body, "msgOpened");
  }

  toggle.addEventListener("click", openOrClose);
  store.subscribe(render);
  render();

  return {
    openOrClose,
    /** A `tally` push on /control: the open poll's live counts. */
    tally(update) {
      tally = update;
      render();
    },
    /** The timer's countdown, on the server's clock. */
    tick(now) {
      const current = poll();
      const closesAt = current?.open && current.closes_at ? Date.parse(current.closes_at) : null;
      setText(panel.querySelector("[data-vote-countdown]"),
              closesAt ? say("msgClosesIn", { time: clock(Math.max(0, Math.ceil((closesAt - now) / 1000))) }) : "");
    },
  };
}
