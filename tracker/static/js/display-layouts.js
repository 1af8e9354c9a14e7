// The layouts. Each takes a view (display-view.js) and paints it into the page's frame;
// `animate` is false when the page snaps to a state (first snapshot, resync, version gap).
// Text is never cut: each box shrinks its type to a readable minimum, then wraps (fitText).

import { calendarDay, duration, followupHeading, message, officialOf as official } from "./display-format.js";
import { element, fillList, fitText, fitsOf, holds, replay, setText, show } from "./display-dom.js";
import { FollowupBoard } from "./display-followup.js";
import { Strap } from "./display-strap.js";

const BOARD_PROMISES = 6;
const ROLL_PAGE_MS = 8_000;

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
    // The board's strap: commitments and quotes (the case on air is the board itself).
    this.strap = new Strap(root.querySelector("[data-board-strap] [data-lower-third]"), ["commitment", "quote"]);
  }

  render(view, animate, now) {
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
      this.strap.render(null, false, now);
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
      fitText(root.querySelector("[data-featured-idle]"), fitsOf(root, ".idle-title", 44, 3));
    }
    const key = featured ? featured.item_id : null;
    if (animate && key !== this.featuredKey) {
      replay(root.querySelector(featured ? "[data-featured-body]" : "[data-featured-idle]"));
    }
    this.featuredKey = key;

    const block = view.next && view.next.kind === "followup";
    setText(root, "next.ref", view.next ? (block ? message("msgFollowup") : view.next.ref) : "");
    setText(root, "next.title", view.next ? (block ? followupHeading(view.next.title) : view.next.title) : "");
    show(root.querySelector("[data-next-empty]"), !view.next);
    fitText(root.querySelector(".next"), fitsOf(root, ".next-title", 30, 3));
    this.renderPromises(view, animate);
    this.strap.render(view.cleared ? null : view.strap, animate, now);
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
    // A long title and many departments leave less room: everything shrinks a little, and a
    // summary too long even then is left out whole rather than cut.
    const body = root.querySelector("[data-featured-body]");
    fitText(body, [...fitsOf(body, ".featured-title", 50, 2), ...fitsOf(body, ".featured-summary", 27, 4),
                   ...fitsOf(body, ".fact dd, .chip", 24, 0)], { optional: body.querySelector(".featured-summary") });
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
    // As many as fit, whole: long promises take more room than short ones; a single long one
    // shrinks its type until it fits.
    while (list.children.length > 1 && !holds(list)) list.lastElementChild.remove();
    fitText(list, [...fitsOf(list, ".promise-content", 24, 0), ...fitsOf(list, ".promise-who", 24, 1)]);
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
    this.strap.tick(now);
    if (!this.timing) return;
    const { startedAt, earlier, planned } = this.timing;
    const running = Number.isFinite(startedAt) ? Math.max(0, (now - startedAt) / 1000) : 0;
    const elapsed = earlier + running;
    setText(this.root, "featured.elapsed", duration(elapsed));
    this.root.querySelector("[data-featured-clock]")?.classList.toggle("is-over", Boolean(planned) && elapsed > planned);
  }
}

/** layout=lower-third: the producer's choice of strap, animated in and out. */
export class LowerThird {
  constructor(root) {
    this.strap = new Strap(root.querySelector("[data-lower-third]"));
  }

  render(view, animate, now) {
    this.strap.render(view.cleared ? null : view.strap, animate, now);
  }

  tick(now) {
    this.strap.tick(now);
  }
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
    const signature = view.commitments.map((c) => [c.id, c.deadline, c.content, c.department, official(c)].join(":")).join("|");
    setText(this.root, "roll.count", message("msgCount", { count: view.commitments.length }));
    show(this.root.querySelector("[data-roll-empty]"), view.commitments.length === 0);
    if (signature === this.signature) return;
    const known = new Set([...this.list.children].map((li) => li.dataset.commitment));
    fillList(this.list, view.commitments, rollItem);
    // Each row shrinks a long promise a little; then pages of whole rows take the rest.
    for (const item of this.list.children) this.fitRow(item);
    if (animate) for (const li of this.list.children) if (!known.has(li.dataset.commitment)) replay(li);
    this.signature = signature;
    this.turnedAt = 0;
    this.paginate();
    this.turnTo(0, animate);
  }

  fitRow(item) {
    fitText(item, [...fitsOf(item, ".roll-content", 28, 3), ...fitsOf(item, ".roll-official", 26, 2),
                   ...fitsOf(item, ".roll-department", 22, 1)]);
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
