// What a display shows, derived from the live `state` alone (a pure function: no DOM here).
//
// Program mode shows the case on air and the strap on program; preview mode (the operator's
// preview monitor) shows the standby item and the strap cued to preview, as they would look on
// air, and ignores "clear screen", which concerns air only. Before the show starts and after it
// has ended, a display shows a frame instead ("即将开始", "本期节目结束") — and after the end
// nothing else: no case, no next, no strap, whatever else the state still holds.

function firstQueued(queue) {
  return (queue || []).find((entry) => entry.state === "queued") || null;
}

function newestFirst(commitments) {
  return [...(commitments || [])].sort((a, b) => b.id - a.id);
}

function epochOf(iso) {
  const moment = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(moment) ? moment : null;
}

/** The strap of an item on air (or on standby, in preview): a case, or a follow-up block. */
function itemStrap(item) {
  if (item.kind === "followup" && item.followup) {
    return { kind: "followup", key: `followup:${item.item_id}`, case: item.case, followup: item.followup };
  }
  return { kind: "case", key: `case:${item.item_id}`, case: item.case };
}

/** A strap of `kind` (case | commitment | quote) as it looks; null where there is nothing to show. */
function strapOf(state, kind, id, item) {
  if (kind === "case") return item ? itemStrap(item) : null;
  if (kind !== "commitment" && kind !== "quote") return null;
  const commitment = (state.commitments || []).find((c) => c.id === id);
  if (!commitment) return null; // withdrawn, or not yet in this state
  // A quote strap without a quote recorded shows the commitment rather than empty marks.
  const shown = kind === "quote" && commitment.quote ? "quote" : "commitment";
  // The key changes with the text, so that a correction replays nothing but repaints at once.
  return { kind: shown, key: `${shown}:${commitment.id}`, commitment };
}

/** The strap on program: what the producer took, for as long as its item is the one on air. */
function programStrap(state) {
  const graphic = state.graphic || { kind: "none" };
  const onAir = state.on_air || null;
  if (graphic.kind === "case" && graphic.item_id != null && onAir && graphic.item_id !== onAir.item_id) return null;
  const strap = strapOf(state, graphic.kind, graphic.id, onAir);
  return strap ? { ...strap, outAt: epochOf(graphic.out_at) } : null;
}

/** The strap cued to preview; without one, the standby item's own strap (what "take" would show). */
function previewStrap(state) {
  const cued = state.graphic && state.graphic.preview;
  if (cued && cued.kind && cued.kind !== "none") {
    const strap = strapOf(state, cued.kind, cued.id, state.on_air || state.standby);
    if (strap) return { ...strap, cued: true, outAt: null };
  }
  return state.standby ? { ...itemStrap(state.standby), cued: false, outAt: null } : null;
}

/** Which frame covers the layout: "start" before the show, "end" after it, else null. */
function frameOf(state, preview) {
  const status = state.episode ? state.episode.status : "live";
  if (status === "ended") return "end";
  if (status !== "planned") return null;
  // Before the start the preview monitor still shows what is being cued, if anything is.
  const cued = state.standby || (state.graphic && state.graphic.preview && state.graphic.preview.kind !== "none");
  return preview && cued ? null : "start";
}

/** The vote (state.poll) with the case it judges: in full (public text) while that case is on
 *  air or on standby, else the poll's own brief of it. */
function pollOf(state) {
  const poll = state.poll;
  if (!poll) return null;
  const item = [state.on_air, state.standby].find((entry) => entry && entry.item_id === poll.item_id);
  return { ...poll, case: item ? item.case : poll.case || null };
}

/** The display's view of `state`: everything the layouts need, already chosen and ordered. */
export function viewOf(state, { preview = false } = {}) {
  const frame = frameOf(state, preview);
  const blank = frame !== null; // under a frame: nothing of the show itself
  const featured = blank ? null : (preview ? state.standby : state.on_air) || null;
  const standby = state.standby ? { ref: state.standby.case.ref || "", title: state.standby.case.title,
                                    kind: state.standby.kind || "case" } : null;
  const queued = firstQueued(state.queue);
  const upcoming = preview || !standby ? (queued ? { ...queued.case, kind: queued.kind || "case" } : null) : standby;
  const commitments = frame === "end" ? [] : newestFirst(state.commitments);
  const forFeatured = featured ? commitments.filter((c) => featured.case.id != null && c.case_id === featured.case.id)
    : commitments;
  const episode = state.episode || null;
  return {
    version: state.version,
    episode,
    frame,
    startsAt: episode ? epochOf(episode.scheduled_start) : null,
    endsAt: episode ? epochOf(episode.scheduled_end) : null,
    cleared: !preview && !blank && Boolean(state.screen && state.screen.cleared),
    preview,
    featured,
    next: blank ? null : upcoming,
    commitments,
    featuredCommitments: forFeatured,
    followup: featured && featured.kind === "followup" ? featured.followup || null : null,
    strap: blank ? null : (preview ? previewStrap(state) : programStrap(state)),
    poll: blank ? null : pollOf(state),
  };
}
