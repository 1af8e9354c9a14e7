// /vote/<episode>: the audience vote on a phone. Follows the show over /live: a poll that opens
// appears by itself, a closed one says so; after voting, the live tally. One ballot per device,
// changeable until the close (the server keeps the last one). The choice made is remembered in
// this browser so a reload still shows it.

import { liveSocket } from "./vote-socket.js";

const CHOICES = ["satisfied", "basically_satisfied", "unsatisfied"];
const body = document.body;
const config = body.dataset;
const $ = (selector) => document.querySelector(selector);
const box = $("[data-box]");
const form = $("[data-choices]");
const codeField = $("[data-code-field]");
const codeInput = $("#code");
const notice = $("[data-notice]");
const tally = $("[data-tally]");

let poll = config.poll ? { id: Number(config.poll), open: config.state === "open", counts: parseCounts() } : null;
let lastState = null;

function parseCounts() {
  try {
    return JSON.parse(config.counts || "{}");
  } catch {
    return {};
  }
}

function message(key, values = {}) {
  const name = `msg${key[0].toUpperCase()}${key.slice(1).replace(/_(\w)/g, (_m, c) => c.toUpperCase())}`;
  return (config[name] || "").replace(/\{(\w+)\}/g, (_m, word) => values[word] ?? "");
}

function remembered(id) {
  try {
    return localStorage.getItem(`tracker.vote.${id}`);
  } catch {
    return null;
  }
}

function remember(id, choice) {
  try {
    localStorage.setItem(`tracker.vote.${id}`, choice);
  } catch {
    /* private mode: the server still has the ballot */
  }
}

function say(text, kind = "") {
  notice.textContent = text;
  notice.className = `notice${kind ? ` is-${kind}` : ""}`;
}

/** The case judged, public text only: in full while it is on air or on standby, else its title. */
function caseOf(state, current) {
  for (const item of [state.on_air, state.standby]) if (item && item.item_id === current.item_id) return item.case;
  return current.case || null;
}

function paintCase(item) {
  if (!item) return;
  $("[data-slot=title]").textContent = item.title || "";
  $("[data-slot=summary]").textContent = item.summary || "";
  $("[data-slot=departments]").textContent = (item.departments || []).join(" · ");
}

function paintTally(counts = {}) {
  const total = CHOICES.reduce((sum, choice) => sum + (counts[choice] || 0), 0);
  for (const choice of CHOICES) {
    const row = tally.querySelector(`[data-row=${choice}]`);
    const share = total ? Math.round(((counts[choice] || 0) * 100) / total) : 0;
    row.querySelector("[data-fill]").style.setProperty("--share", `${share}%`);
    row.querySelector("[data-pct]").textContent = `${share}%`;
  }
  $("[data-total]").textContent = message("votes", { count: total });
}

function paintChoice(choice) {
  for (const button of form.querySelectorAll("button")) button.classList.toggle("is-chosen", button.value === choice);
}

function paint() {
  body.dataset.state = !poll ? "idle" : poll.open ? "open" : "closed";
  $("[data-idle]").hidden = Boolean(poll);
  box.hidden = !poll;
  if (!poll) return;
  const chosen = remembered(poll.id);
  form.hidden = !poll.open;
  $("[data-closed]").hidden = poll.open;
  tally.hidden = poll.open && !chosen;
  codeField.hidden = !(poll.open && poll.code_mode && poll.code_mode !== "off" && !codeInput.value);
  paintChoice(chosen);
  paintTally(poll.counts);
  if (poll.open && chosen && !notice.textContent) say(message("voted", { choice: message(chosen) }), "ok");
  if (!poll.open && notice.classList.contains("is-ok")) say("");
}

function onState(state) {
  lastState = state;
  const next = state.poll || null;
  if (!next || !poll || next.id !== poll.id) say(""); // another poll: what was said is about the last one
  poll = next;
  if (poll) paintCase(caseOf(state, poll));
  paint();
}

function onTally(update) {
  const id = update && (update.poll_id ?? update.id);
  if (!poll || id !== poll.id || !update.counts) return;
  poll = { ...poll, counts: update.counts, ...(update.open === false ? { open: false } : {}) };
  paint();
}

async function vote(choice) {
  const id = poll.id;
  const code = codeInput.value.trim();
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  try {
    const response = await fetch(`/api/v1/polls/${id}/ballots`, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(code ? { choice, code } : { choice }),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      remember(id, choice);
      if (answer.counts && poll && poll.id === id) poll = { ...poll, counts: answer.counts };
      say(message("voted", { choice: message(choice) }), "ok");
      paint();
      return;
    }
    refused(response.status, (answer.error || {}).code);
  } catch {
    say(message("failed"), "error");
  } finally {
    for (const button of form.querySelectorAll("button")) button.disabled = false;
  }
}

function refused(status, code) {
  if (status === 409) {
    say(message("late"), "error");
    if (poll) poll = { ...poll, open: false };
    paint();
    finalResult(poll && poll.id);
  } else if (status === 422 && /^code_/.test(code || "")) {
    codeField.hidden = false;
    codeInput.value = "";
    codeInput.focus();
    say(message("code"), "error");
  } else if (status === 429) {
    say(message("busy"), "error");
  } else {
    say(message("failed"), "error");
  }
}

/** The closed poll's final tally, asked for when the live channel has not brought it yet. */
async function finalResult(id) {
  if (!id) return;
  try {
    const response = await fetch(`/api/v1/polls/${id}`, { headers: { Accept: "application/json" } });
    const closed = response.ok ? await response.json() : null;
    if (closed && poll && poll.id === id && !closed.open) {
      poll = { ...poll, open: false, counts: closed.counts };
      paint();
    }
  } catch {
    /* the live channel brings it when it is back */
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const choice = event.submitter && event.submitter.value;
  if (poll && poll.open && CHOICES.includes(choice)) vote(choice);
});

const socket = liveSocket("/live", { episode: Number(config.episode) }, {
  state: onState,
  tally: onTally,
  patch(changes) {
    if (lastState && changes.base_version === lastState.version) onState({ ...lastState, ...changes });
    else socket.emit("resync");
  },
}, (status) => {
  $("[data-status]").textContent = status === "offline" || status === "refused" ? message("offline") : "";
});

paint();
