// The follow-up board (回头看): a block of earlier commitments on air, one row each — department,
// what was promised, deadline, status in the product's words and colours, progress. Up to
// PAGE_ROWS rows on a page, as many as fit whole; more turn pages every PAGE_MS.

import { calendarDay, followupHeading, message } from "./display-format.js";
import { element, fillList, fitText, fitsOf, holds, replay, setText, show } from "./display-dom.js";

const PAGE_ROWS = 8;
const DENSE_FROM = 6;
const PAGE_MS = 8_000;

// The badge tone of each status: the same as tracker/commitments/present.py STATUS_TONES.
const locale = document.documentElement.lang || "zh-CN";
const shortDay = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" });

/** "2026-11-29" → "11月29日": the latest report is recent, its year goes without saying. */
function monthDay(isoDay) {
  const moment = Date.parse(`${isoDay}T00:00:00Z`);
  return Number.isNaN(moment) ? String(isoDay || "") : shortDay.format(moment);
}

const STATUS_TONES = {
  committed: "neutral", in_progress: "pool", claimed_done: "scheduled", verified: "ok",
  claimed_unfulfillable: "warn", closed_unfulfilled: "danger",
};

function camel(value) {
  return String(value).replace(/(^|_)(\w)/g, (whole, sep, letter) => letter.toUpperCase());
}

function statusWords(commitment) {
  const words = message(`msgStatus${camel(commitment.status)}`) || commitment.status;
  if (commitment.status === "verified" && commitment.satisfaction) {
    return `${words} · ${message(`msgSatisfaction${camel(commitment.satisfaction)}`)}`;
  }
  return words;
}

function urgencyWords(urgency) {
  if (!urgency || !urgency.kind) return "";
  const { kind, days } = urgency;
  if (kind === "overdue") return days === 1 ? message("msgOverdueOne") : message("msgOverdueMany", { days });
  if (days === 0) return message("msgDueToday");
  return days === 1 ? message("msgDueOne") : message("msgDueMany", { days });
}

/** Overdue is red and due soon amber, whatever the status; otherwise the status's own tone. */
export function toneOf(commitment) {
  const kind = commitment.urgency ? commitment.urgency.kind : (commitment.is_overdue ? "overdue" : "");
  if (kind === "overdue") return "danger";
  if (kind === "due_soon") return "warn";
  return STATUS_TONES[commitment.status] || "neutral";
}

function row(commitment) {
  const item = element("li", `fu-row tone-${toneOf(commitment)}`);
  item.dataset.commitment = commitment.id;
  item.dataset.status = commitment.status;
  const who = element("div", "fu-who");
  who.append(element("p", "fu-department", commitment.department),
             element("p", "fu-official", [commitment.official_name, commitment.official_title].filter(Boolean).join(" ")));
  const when = element("div", "fu-when");
  when.append(element("p", "fu-deadline", calendarDay(commitment.deadline)));
  if (commitment.original_deadline && commitment.original_deadline !== commitment.deadline) {
    when.append(element("p", "fu-original", message("msgOriginally", { date: calendarDay(commitment.original_deadline) })));
  }
  const status = element("div", "fu-status");
  status.append(element("p", "fu-badge", statusWords(commitment)));
  const urgency = urgencyWords(commitment.urgency);
  if (urgency) status.append(element("p", "fu-urgency", urgency));
  const progress = element("div", "fu-progress");
  const percent = Math.max(0, Math.min(100, Number(commitment.progress_percent) || 0));
  const bar = element("div", "fu-bar");
  const fill = element("span", "fu-bar-fill");
  fill.style.setProperty("--percent-scale", String(percent / 100));
  bar.append(fill);
  const latest = commitment.latest_progress;
  progress.append(element("p", "fu-percent", `${percent}%`), bar,
                  element("p", "fu-latest", latest ? message("msgLatestProgress", { date: monthDay(latest.day || latest.at.slice(0, 10)) })
                    : message("msgNoProgress")));
  item.append(who, element("p", "fu-content", commitment.content), when, status, progress);
  return item;
}

/** The board's follow-up panel; `render(followup)` with the block, `tick(now)` turns pages. */
export class FollowupBoard {
  constructor(root) {
    this.root = root;
    this.panel = root.querySelector("[data-followup-board]");
    this.list = root.querySelector('[data-list="fu"]');
    this.signature = "";
    this.page = 0;
    this.pages = 1;
    this.starts = [0];
    this.commitments = [];
    this.turnedAt = 0;
  }

  render(followup, animate) {
    const commitments = followup.commitments || [];
    // The tag says 回头看 already: the heading is what the block adds to it ("回头看：…" no more).
    setText(this.root, "fu.title", followupHeading(followup.title));
    setText(this.root, "fu.count", message("msgFollowupCount", { count: commitments.length }));
    fitText(this.root.querySelector(".fu-head"), fitsOf(this.root, ".fu-title", 28, 1));
    const signature = JSON.stringify(commitments);
    if (signature === this.signature) return;
    this.signature = signature;
    this.commitments = commitments;
    this.panel.classList.toggle("is-dense", commitments.length >= DENSE_FROM);
    const known = this.shownRows(); // before measuring the pages refills the list
    this.paginate();
    this.turnTo(Math.min(this.page, this.starts.length - 1), animate, known);
  }

  /** Fill the list with the rows from `first` on that fit it whole (at least one); the count. */
  fill(first) {
    fillList(this.list, this.commitments.slice(first, first + PAGE_ROWS), row);
    for (const item of this.list.children) {
      fitText(item, [...fitsOf(item, ".fu-content", 24, 3), ...fitsOf(item, ".fu-department", 22, 2)]);
    }
    while (this.list.children.length > 1 && !holds(this.list)) this.list.lastElementChild.remove();
    return this.list.children.length;
  }

  /** Where each page starts: long promises take more room, so pages are measured, not counted. */
  paginate() {
    this.starts = [0];
    for (let first = 0; ;) {
      first += Math.max(1, this.fill(first));
      if (first >= this.commitments.length) break;
      this.starts.push(first);
    }
    this.pages = this.starts.length;
  }

  shownRows() {
    return new Set([...this.list.children].map((li) => li.dataset.commitment));
  }

  turnTo(page, animate, known = this.shownRows()) {
    this.page = page;
    this.fill(this.starts[page]);
    if (animate) for (const li of this.list.children) if (!known.has(li.dataset.commitment)) replay(li);
    setText(this.root, "fu.page", this.pages > 1 ? message("msgPage", { page: page + 1, pages: this.pages }) : "");
  }

  show(visible) {
    show(this.panel, visible);
    if (!visible) { this.signature = ""; this.page = 0; this.turnedAt = 0; }
  }

  tick(now) {
    if (this.pages < 2) return;
    if (!this.turnedAt) this.turnedAt = now;
    if (now - this.turnedAt < PAGE_MS) return;
    this.turnedAt = now;
    this.turnTo((this.page + 1) % this.pages, true);
  }
}
