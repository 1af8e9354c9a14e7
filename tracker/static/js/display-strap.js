// A strap (lower third): the case on air, a follow-up block, a commitment, or the official's
// verbatim quote with their name and title. The lower-third layout is one; the board has one.
// A strap taken with an auto-out hides itself when the server's clock passes its `outAt`.

import { calendarDay, followupHeading, message, officialOf } from "./display-format.js";
import { fitText, fitsOf, replay, setText, show } from "./display-dom.js";

const PARTS = {
  case: ["[data-lt-case]", "[data-lt-tag-case]"],
  followup: ["[data-lt-followup]", "[data-lt-tag-followup]"],
  commitment: ["[data-lt-commitment]", "[data-lt-tag-commitment]", "[data-lt-deadline]"],
  quote: ["[data-lt-quote]", "[data-lt-tag-quote]"],
};

export class Strap {
  /** `band` is a `[data-lower-third]`; `kinds` the kinds of strap this one shows. */
  constructor(band, kinds = Object.keys(PARTS)) {
    this.band = band;
    this.kinds = new Set(kinds);
    this.key = null;
    this.text = null;
    this.outAt = null;
    this.shown = false;
  }

  render(strap, animate, now) {
    const wanted = strap && this.kinds.has(strap.kind) ? strap : null;
    const text = wanted ? this.fill(wanted) : null;
    const changed = wanted && this.key !== null && wanted.key !== this.key;
    if (animate && changed) replay(this.band.querySelector("[data-lt-band]"));
    this.band.dataset.kind = wanted ? wanted.kind : "none";
    this.key = wanted ? wanted.key : null;
    this.outAt = wanted ? wanted.outAt : null;
    this.shown = Boolean(wanted);
    // Fitting measures the band: only once it shows this strap's parts, and only when they change.
    if (wanted && text !== this.text) this.fit(wanted.kind);
    this.text = text;
    this.paintShown(now);
  }

  /** Out by itself once the server's clock has passed the strap's auto-out time. */
  tick(now) {
    this.paintShown(now);
  }

  paintShown(now) {
    const out = this.outAt !== null && now >= this.outAt;
    this.band.classList.toggle("is-shown", this.shown && !out);
  }

  fill(strap) {
    const { band } = this;
    for (const selectors of Object.values(PARTS)) {
      for (const selector of selectors) show(band.querySelector(selector), false);
    }
    for (const selector of PARTS[strap.kind]) show(band.querySelector(selector), true);
    if (strap.kind === "followup") {
      // A short strap: the block's heading and how many commitments it reports back on.
      // The tag already says 回头看: the headline is the block's own heading, else its size.
      const heading = followupHeading(strap.followup.title);
      const count = message("msgFollowupCount", { count: strap.followup.commitments.length });
      setText(band, "lt.followup.title", heading || count);
      setText(band, "lt.followup.count", heading ? count : "");
      setText(band, "lt.followup.departments", (strap.case.departments || []).join("、"));
    } else if (strap.kind === "case") {
      setText(band, "lt.case.departments", (strap.case.departments || []).join("、"));
      setText(band, "lt.case.ref", strap.case.ref);
      setText(band, "lt.case.title", strap.case.title);
    } else if (strap.kind === "commitment") {
      const { commitment } = strap;
      setText(band, "lt.commitment.official", officialOf(commitment));
      setText(band, "lt.commitment.department", commitment.department);
      setText(band, "lt.commitment.content", commitment.content);
      setText(band, "lt.commitment.deadline", calendarDay(commitment.deadline));
    } else {
      const { commitment } = strap;
      setText(band, "lt.quote.text", commitment.quote);
      setText(band, "lt.quote.official", officialOf(commitment));
      setText(band, "lt.quote.department", commitment.department);
    }
    return band.querySelector("[data-lt-band]").textContent + band.clientWidth;
  }

  fit() {
    const content = this.band.querySelector("[data-lt-band]");
    fitText(content, [...fitsOf(content, ".lt-headline", 30, 2), ...fitsOf(content, ".lt-kicker", 24, 1)]);
  }
}
