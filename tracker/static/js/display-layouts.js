// The three layouts. Each takes a view (display-view.js) and paints it into the page's frame;
// `animate` is false when the page snaps to a state (first snapshot, resync, version gap).

import { calendarDay, duration, message } from "./display-format.js";
import { element, fillList, fitLines, replay, setText, show } from "./display-dom.js";
import { FollowupBoard } from "./display-followup.js";

const BOARD_PROMISES = 6;
const SUMMARY_LINES = 4;
const ROLL_PAGE_MS = 8_000;

function official(commitment) {
  return [commitment.official_name, commitment.official_title].filter(Boolean).join(" ");
}

function promiseItem(commitment) {
  const item = element("li", "promise");
  item.append(
    element("p", "promise-who", official(commitment)),
    element("p", "promise-content", commitment.content),
    element("p", "promise-deadline", message("msgDeadline", { date: calendarDay(commitment.deadline) })),
  );
  item.dataset.commitment = commitment.id;
  return item;
}

/** layout=board */
export class Board {
  constructor(root) {
    this.root = root;
    this.featuredKey = undefined;
    this.timing = null;
    this.followup = new FollowupBoard(root);
  }

  render(view, animate) {
    const { root } = this;
    // A follow-up block (回头看) takes the whole board.
    show(root.querySelector(".board"), !view.followup);
    this.followup.show(Boolean(view.followup));
    if (view.followup) {
      const fresh = this.featuredKey !== view.featured.item_id;
      this.followup.render(view.followup, animate);
      if (animate && fresh) replay(this.followup.panel);
      this.featuredKey = view.featured.item_id;
      this.timing = null;
      return;
    }
    const featured = view.featured;
    show(root.querySelector("[data-featured-body]"), Boolean(featured));
    show(root.querySelector("[data-featured-idle]"), !featured);
    show(root.querySelector("[data-featured-clock]"), Boolean(featured));
    if (featured) {
      this.renderFeatured(featured, view.preview);
    } else {
      setText(root, "featured.ref", "");
      this.timing = null;
    }
    const key = featured ? featured.item_id : null;
    if (animate && key !== this.featuredKey) {
      replay(root.querySelector(featured ? "[data-featured-body]" : "[data-featured-idle]"));
    }
    this.featuredKey = key;

    const nextRef = view.next && view.next.kind === "followup" ? message("msgFollowup") : view.next?.ref;
    setText(root, "next.ref", view.next ? nextRef : "");
    setText(root, "next.title", view.next ? view.next.title : "");
    show(root.querySelector("[data-next-empty]"), !view.next);
    this.renderPromises(view, animate);
  }

  renderFeatured(featured, preview) {
    const { root } = this;
    const item = featured.case;
    setText(root, "featured.ref", item.ref);
    setText(root, "featured.title", item.title);
    setText(root, "featured.summary", item.summary);
    setText(root, "featured.location", item.location);
    show(root.querySelector("[data-fact-location]"), Boolean(item.location));
    const chips = root.querySelector('[data-list="featured.departments"]');
    fillList(chips, item.departments || [], (name, index) => element("li", index === 0 ? "chip lead" : "chip", name));
    // A long title and many departments leave less room: the summary gives up whole lines.
    fitLines(root.querySelector(".featured-summary"), root.querySelector("[data-featured-body]"), SUMMARY_LINES);
    this.timing = preview ? { startedAt: null, earlier: 0, planned: featured.planned_seconds }
      : { startedAt: Date.parse(featured.started_at), earlier: featured.actual_seconds || 0,
          planned: featured.planned_seconds };
    setText(root, "featured.planned", featured.planned_seconds ? `/ ${duration(featured.planned_seconds)}` : "");
  }

  renderPromises(view, animate) {
    const { root } = this;
    const list = root.querySelector('[data-list="promises"]');
    const known = new Set([...list.children].map((li) => li.dataset.commitment));
    show(root.querySelector("[data-promises-empty]"), view.featuredCommitments.length === 0);
    fillList(list, view.featuredCommitments.slice(0, BOARD_PROMISES), promiseItem);
    // As many as fit, whole: long promises take more room than short ones.
    while (list.children.length > 1 && list.scrollHeight > list.clientHeight) list.lastElementChild.remove();
    if (animate) {
      for (const li of list.children) if (!known.has(li.dataset.commitment)) replay(li);
    }
    const more = view.featuredCommitments.length - list.children.length;
    setText(root, "promises.more", more > 0 ? message("msgMore", { count: more }) : "");
    setText(root, "promises.count", message("msgEpisodeCount", { count: view.commitments.length }));
  }

  /** The on-air clock: server now − started_at, plus the seconds of earlier stints on air. */
  tick(now) {
    this.followup.tick(now);
    if (!this.timing) return;
    const { startedAt, earlier, planned } = this.timing;
    const running = Number.isFinite(startedAt) ? Math.max(0, (now - startedAt) / 1000) : 0;
    const elapsed = earlier + running;
    setText(this.root, "featured.elapsed", duration(elapsed));
    this.root.querySelector("[data-featured-clock]")?.classList.toggle("is-over", Boolean(planned) && elapsed > planned);
  }
}

/** layout=lower-third: the producer's choice of graphic, animated in and out. */
export class LowerThird {
  constructor(root) {
    this.root = root;
    this.band = root.querySelector("[data-lower-third]");
    this.key = null;
  }

  render(view, animate) {
    const { root, band } = this;
    const graphic = view.cleared ? null : view.lowerThird;
    if (graphic) this.fill(graphic);
    const changed = graphic && this.key !== null && graphic.key !== this.key;
    if (animate && changed) replay(root.querySelector("[data-lt-band]"));
    band.classList.toggle("is-shown", Boolean(graphic));
    band.dataset.kind = graphic ? graphic.kind : "none";
    this.key = graphic ? graphic.key : null;
  }

  fill(graphic) {
    const { root } = this;
    const isCase = graphic.kind === "case";
    const isFollowup = graphic.kind === "followup";
    const isCommitment = graphic.kind === "commitment";
    for (const [selector, visible] of [["[data-lt-case]", isCase], ["[data-lt-tag-case]", isCase],
                                       ["[data-lt-followup]", isFollowup], ["[data-lt-tag-followup]", isFollowup],
                                       ["[data-lt-commitment]", isCommitment], ["[data-lt-tag-commitment]", isCommitment],
                                       ["[data-lt-deadline]", isCommitment]]) {
      show(root.querySelector(selector), visible);
    }
    if (isFollowup) {
      // A short strap: the block's heading and how many commitments it reports back on.
      setText(root, "lt.followup.title", graphic.followup.title);
      setText(root, "lt.followup.count", message("msgFollowupCount", { count: graphic.followup.commitments.length }));
      setText(root, "lt.followup.departments", (graphic.case.departments || []).join("、"));
    } else if (isCase) {
      setText(root, "lt.case.departments", (graphic.case.departments || []).join("、"));
      setText(root, "lt.case.ref", graphic.case.ref);
      setText(root, "lt.case.title", graphic.case.title);
    } else {
      const commitment = graphic.commitment;
      setText(root, "lt.commitment.official", official(commitment));
      setText(root, "lt.commitment.department", commitment.department);
      setText(root, "lt.commitment.content", commitment.content);
      setText(root, "lt.commitment.deadline", calendarDay(commitment.deadline));
    }
  }

  tick() {}
}

function rollItem(commitment) {
  const item = element("li", "roll-item");
  const who = element("div", "roll-who");
  who.append(element("p", "roll-department", commitment.department), element("p", "roll-official", official(commitment)));
  const when = element("div", "roll-when");
  when.append(element("p", "roll-deadline", calendarDay(commitment.deadline)));
  item.append(who, element("p", "roll-content", commitment.content), when);
  item.dataset.commitment = commitment.id;
  return item;
}

/** layout=commitments: the episode's commitments, newest first, turning pages when they overflow. */
export class Roll {
  constructor(root) {
    this.root = root;
    this.window = root.querySelector("[data-roll-window]");
    this.list = root.querySelector('[data-list="roll"]');
    this.pages = [0];
    this.page = 0;
    this.turnedAt = 0;
    this.signature = "";
  }

  render(view, animate) {
    const signature = view.commitments.map((c) => `${c.id}:${c.deadline}:${c.content}`).join("|");
    setText(this.root, "roll.count", message("msgCount", { count: view.commitments.length }));
    show(this.root.querySelector("[data-roll-empty]"), view.commitments.length === 0);
    if (signature === this.signature) return;
    const known = new Set([...this.list.children].map((li) => li.dataset.commitment));
    fillList(this.list, view.commitments, rollItem);
    if (animate) for (const li of this.list.children) if (!known.has(li.dataset.commitment)) replay(li);
    this.signature = signature;
    this.turnedAt = 0;
    this.paginate();
    this.turnTo(0, animate);
  }

  /** Pages of whole commitments: each starts (in unscaled pixels) where the last one overflowed. */
  paginate() {
    const height = this.window.clientHeight;
    const pages = [{ top: 0, first: 0, last: -1 }];
    [...this.list.children].forEach((item, index) => {
      let page = pages[pages.length - 1];
      if (item.offsetTop + item.offsetHeight - page.top > height && index > page.first) {
        page = { top: item.offsetTop, first: index, last: index };
        pages.push(page);
      }
      page.last = index;
    });
    this.pages = pages;
  }

  turnTo(page, animate) {
    this.page = page;
    const { top, first, last } = this.pages[page];
    this.list.classList.toggle("is-instant", !animate);
    this.list.style.setProperty("--roll-offset", `${-top}px`);
    // What belongs to another page fades out rather than showing cut in half at the edge.
    [...this.list.children].forEach((item, index) => item.classList.toggle("is-off-page", index < first || index > last));
    const multi = this.pages.length > 1;
    setText(this.root, "roll.page", multi ? message("msgPage", { page: page + 1, pages: this.pages.length }) : "");
  }

  tick(now) {
    if (this.pages.length < 2) return;
    if (!this.turnedAt) this.turnedAt = now;
    if (now - this.turnedAt < ROLL_PAGE_MS) return;
    this.turnedAt = now;
    this.turnTo((this.page + 1) % this.pages.length, true);
  }
}

/** layout=poll until polls exist: nothing but the neutral frame. */
export class Neutral {
  render() {}
  tick() {}
}
