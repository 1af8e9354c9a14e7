// layout=poll: the audience vote on screen. The case judged (public text), the QR code that leads
// phones to /vote/<episode>, the live tally as bars with percentages, and the final result once
// the poll is closed. Counts arrive with every `state` and, between versions, as `tally` events
// (at most 4 a second). The QR code is an SVG drawn by the server; with a rotating code it is
// fetched again each time the code changes, and swapped only once the new one is decoded, so the
// screen never shows an empty box.

import { duration, message } from "./display-format.js";
import { element, fillList, fitText, fitsOf, replay, setText, show } from "./display-dom.js";

const CHOICES = ["satisfied", "basically_satisfied", "unsatisfied"];
const RETRY_MS = 3_000;
const AFTER_ROTATION_MS = 300; // ask a moment after the server's window turns, never just before

function totalOf(counts) {
  return CHOICES.reduce((sum, choice) => sum + ((counts && counts[choice]) || 0), 0);
}

/** Whole percentages; the server's (largest remainder, adding up to 100) where it sent them. */
function sharesOf(counts, given) {
  if (given) return given;
  const total = totalOf(counts);
  return Object.fromEntries(CHOICES.map((c) => [c, total ? Math.round((counts[c] || 0) * 100 / total) : 0]));
}

/** The QR code of the vote page, refreshed as the rotating code turns. */
class QrCode {
  constructor(box, address) {
    Object.assign(this, { box, address, key: null, timer: null, url: null });
  }

  /** Show the QR code for `key` (poll id, open, code mode): fetched again only when it changes. */
  want(key, rotating) {
    if (key === this.key) return;
    this.key = key;
    this.rotating = rotating;
    this.fetch();
  }

  stop() {
    this.key = null;
    clearTimeout(this.timer);
  }

  async fetch() {
    clearTimeout(this.timer);
    const key = this.key;
    let next = this.rotating ? null : undefined;
    try {
      const response = await fetch(`${this.address}${this.address.includes("?") ? "&" : "?"}t=${Date.now()}`,
                                   { cache: "no-store" });
      if (!response.ok) throw new Error(`QR code: ${response.status}`);
      const rotatesIn = Number(response.headers.get("X-Code-Rotates-In"));
      if (response.headers.get("X-Vote-Code") === "rotating" && rotatesIn > 0) next = rotatesIn * 1000 + AFTER_ROTATION_MS;
      await this.swap(await response.blob(), key);
    } catch (error) {
      console.warn("display: QR code not refreshed", error);
      next = RETRY_MS;
    }
    if (key === this.key && next != null) this.timer = setTimeout(() => this.fetch(), next);
  }

  async swap(blob, key) {
    const url = URL.createObjectURL(blob);
    const image = new Image();
    image.alt = "";
    image.src = url;
    await image.decode();
    if (key !== this.key) return URL.revokeObjectURL(url);
    this.box.replaceChildren(image);
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = url;
  }
}

export class Poll {
  constructor(root) {
    this.root = root;
    const config = document.body.dataset;
    const token = config.token ? `?token=${encodeURIComponent(config.token)}` : "";
    this.qr = new QrCode(root.querySelector("[data-poll-qr]"), `/vote/${config.episode}/qr.svg${token}`);
    this.poll = null;
    this.caseKey = undefined;
    this.closesAt = null;
  }

  render(view, animate) {
    const poll = view.poll && !view.cleared ? view.poll : null;
    document.body.classList.toggle("has-no-poll", !poll);
    if (!poll) {
      this.poll = null;
      this.closesAt = null;
      this.qr.stop();
      return;
    }
    const same = this.poll && this.poll.id === poll.id;
    // A state may be older than a tally already shown: while the poll is open, counts only grow.
    const keep = same && poll.open && totalOf(this.poll.counts) > totalOf(poll.counts);
    this.poll = keep ? { ...poll, counts: this.poll.counts, percentages: this.poll.percentages } : poll;
    document.body.classList.toggle("is-poll-closed", !poll.open);
    this.closesAt = poll.open && poll.closes_at ? Date.parse(poll.closes_at) : null;
    this.renderCase(poll, animate);
    if (poll.open) this.qr.want(`${poll.id}:${poll.code_mode}`, poll.code_mode === "rotating");
    else this.qr.stop();
    show(this.root.querySelector("[data-poll-scan]"), poll.open);
    show(this.root.querySelector("[data-poll-result]"), !poll.open);
    this.renderBars();
  }

  /** A `tally` event: the live counts of the open poll, between state versions. */
  tally(update) {
    if (!this.poll || !update || update.poll_id !== this.poll.id || !this.poll.open) return;
    if (totalOf(update.counts) < totalOf(this.poll.counts)) return; // an older push overtaken
    this.poll = { ...this.poll, counts: update.counts, percentages: update.percentages };
    this.renderBars();
  }

  renderCase(poll, animate) {
    const { root } = this;
    const item = poll.case || {};
    setText(root, "poll.ref", item.ref || "");
    setText(root, "poll.title", item.title || "");
    setText(root, "poll.summary", item.summary || "");
    const chips = root.querySelector('[data-list="poll.departments"]');
    const departments = item.departments || [];
    if (chips.dataset.names !== departments.join("|")) {
      fillList(chips, departments, (name, index) => element("li", index === 0 ? "chip lead" : "chip", name));
      chips.dataset.names = departments.join("|");
    }
    const key = `${poll.id}:${item.title}:${item.summary}`;
    if (key === this.caseKey) return;
    const body = root.querySelector("[data-poll-case-body]");
    fitText(body, [...fitsOf(body, ".poll-title", 40, 3), ...fitsOf(body, ".poll-summary", 26, 6),
                   ...fitsOf(body, ".chip", 22, 0)], { optional: body.querySelector(".poll-summary") });
    if (animate && (!this.caseKey || !this.caseKey.startsWith(`${poll.id}:`))) replay(root.querySelector(".poll-layout"));
    this.caseKey = key;
  }

  renderBars() {
    const { counts, percentages } = this.poll;
    const shares = sharesOf(counts, percentages);
    for (const choice of CHOICES) {
      const bar = this.root.querySelector(`[data-bar="${choice}"]`);
      const share = shares[choice] || 0;
      bar.querySelector("[data-fill]").style.setProperty("--share", String(share / 100));
      const pct = bar.querySelector("[data-pct]");
      if (pct.textContent !== `${share}%`) pct.textContent = `${share}%`;
    }
    const leader = CHOICES.reduce((best, c) => ((counts[c] || 0) > (counts[best] || 0) ? c : best), CHOICES[0]);
    for (const bar of this.root.querySelectorAll("[data-bar]")) {
      bar.classList.toggle("is-leading", !this.poll.open && totalOf(counts) > 0 && bar.dataset.bar === leader);
    }
    setText(this.root, "poll.total", message("msgVotes", { count: totalOf(counts) }));
  }

  tick(now) {
    const left = this.closesAt === null ? null : Math.max(0, (this.closesAt - now) / 1000);
    show(this.root.querySelector("[data-poll-timer]"), left !== null);
    setText(this.root, "poll.timer", left === null ? "" : message("msgClosesIn", { time: duration(Math.ceil(left)) }));
  }
}
