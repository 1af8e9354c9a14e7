// The on-air display (/display/<episode_id>): a 1920×1080 stage, scaled to fit the window,
// painted from the live `state` pushed over /live. On a lost connection it keeps the last good
// frame and reconnects forever; it never shows an error on air. Before the show starts and after
// it ends, a frame ("即将开始", "本期节目结束") covers whatever layout this is.

import { connectLive } from "./live-client.js";
import { viewOf } from "./display-view.js";
import { clockFormat, duration, episodeNumber } from "./display-format.js";
import { fitText, fitsOf, setText, show } from "./display-dom.js";
import { Board, LowerThird, Roll } from "./display-layouts.js";
import { Poll } from "./display-poll.js";
import { Timer } from "./display-timer.js";

const STAGE = { width: 1920, height: 1080 };
const TICK_MS = 250;
const LAYOUTS = { board: Board, "lower-third": LowerThird, commitments: Roll, poll: Poll, timer: Timer };

const body = document.body;
const root = document.documentElement;
const config = body.dataset;
const preview = config.mode === "preview";
const stage = document.querySelector("[data-stage]");

// Counts loads of this page in this tab: a reload (which the display must never need) shows.
window.__displayLoads = countLoads();

function countLoads() {
  try {
    const loads = Number(sessionStorage.getItem("tracker.display.loads") || 0) + 1;
    sessionStorage.setItem("tracker.display.loads", String(loads));
    return loads;
  } catch {
    return 1;
  }
}

function randomKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** One key per browser and display slot, so the console recognises a display that comes back. */
function displayKey() {
  // Several browser sources in one OBS share storage: a board and a lower third differ by slot.
  const slot = `tracker.display.key:${config.layout}:${config.mode}:${config.name}`;
  try {
    let key = localStorage.getItem(slot);
    if (!key) {
      key = randomKey();
      localStorage.setItem(slot, key);
    }
    return key;
  } catch {
    return randomKey(); // storage disabled (some playout servers): a new key per load
  }
}

function fitStage() {
  const scale = Math.min(window.innerWidth / STAGE.width, window.innerHeight / STAGE.height);
  const left = (window.innerWidth - STAGE.width * scale) / 2;
  const top = (window.innerHeight - STAGE.height * scale) / 2;
  stage.style.setProperty("transform", `translate(${left}px, ${top}px) scale(${scale})`);
  body.classList.add("is-fitted");
}

/** The episode's number and topic wherever the page shows them, each fitted to its box. */
function paintEpisode(episode) {
  setText(stage, "episode.number", episodeNumber(episode));
  setText(stage, "episode.title", episode.title);
  const boxes = [[".masthead-episode", ".episode-title", 22, 2], [".neutral", ".neutral-episode span", 30, 2],
                 [".frame", ".frame-topic", 30, 2]];
  for (const [box, text, smallest, lines] of boxes) {
    const node = stage.querySelector(box);
    if (node) fitText(node, fitsOf(node, text, smallest, lines));
  }
}

const frame = stage.querySelector("[data-frame]");

function paintFrame(current) {
  body.dataset.screenFrame = current || "none";
  body.classList.toggle("has-frame", Boolean(current));
  show(frame, Boolean(current));
  show(frame.querySelector("[data-frame-start]"), current === "start");
  show(frame.querySelector("[data-frame-end]"), current === "end");
  show(frame.querySelector("[data-frame-thanks]"), current === "end");
}

/** Before the start: the time left to the scheduled start, on the server's clock, while there is some. */
function tickFrame(now) {
  const left = view && view.frame === "start" && view.startsAt !== null ? (view.startsAt - now) / 1000 : 0;
  show(frame.querySelector("[data-frame-countdown]"), left > 0);
  setText(frame, "frame.countdown", left > 0 ? duration(Math.ceil(left)) : "");
}

const key = displayKey();
const name = config.name || `${config.defaultName}-${key.slice(0, 4)}`;
const layout = new (LAYOUTS[config.layout] || Board)(stage.querySelector("[data-layout-root]"));
const clock = clockFormat(config.timezone || "Asia/Shanghai");
let view = null;

function paint(state, snap) {
  view = viewOf(state, { preview });
  // Snapping to a state that is not the direct successor: no transitions, no entrances.
  if (snap) body.classList.add("no-anim");
  if (view.episode) paintEpisode(view.episode);
  paintFrame(view.frame);
  body.classList.toggle("is-cleared", view.cleared);
  body.classList.remove("is-waiting");
  layout.render(view, !snap, live.now());
  tick();
  body.dataset.version = String(state.version);
  if (snap) {
    // An entrance left over from an earlier change would replay once animations come back.
    for (const node of stage.querySelectorAll(".is-entering")) node.classList.remove("is-entering");
    void body.offsetWidth; // let the new frame's styles settle before transitions come back
    body.classList.remove("no-anim");
  }
}

const live = connectLive({
  namespace: "/live",
  auth: () => ({
    episode: Number(config.episode),
    display: { key, name, layout: config.layout },
    ...(config.token ? { token: config.token } : {}),
  }),
  onState(state, { snap }) {
    try {
      paint(state, snap);
    } catch (error) {
      // Keep whatever is on screen; the next state (or a resync) repaints it.
      body.classList.remove("no-anim");
      console.warn("display: could not paint version", state.version, error);
      return;
    }
    live.emit("applied", { version: state.version });
  },
  onStatus(status) {
    body.dataset.connection = status;
  },
});
live.on("reload", () => window.location.reload());
// A poll's live counts between state versions (layout=poll; other layouts show no tally).
live.on("tally", (tally) => layout.tally?.(tally));

function tick() {
  const now = live.now();
  setText(stage, "clock", clock(now));
  if (frame) tickFrame(now);
  if (view) layout.tick(now);
}

fitStage();
window.addEventListener("resize", fitStage);
setInterval(tick, TICK_MS);
tick();
