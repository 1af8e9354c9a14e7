// What a display shows, derived from the live `state` alone (a pure function: no DOM here).
//
// Program mode shows the case on air; preview mode (the operator's preview monitor) shows the
// standby item as it would look on air, and ignores "clear screen", which concerns air only.

function firstQueued(queue) {
  return (queue || []).find((entry) => entry.state === "queued") || null;
}

function newestFirst(commitments) {
  return [...(commitments || [])].sort((a, b) => b.id - a.id);
}

/** The lower third of the item on air (or on standby, in preview): a case, or a follow-up strap. */
function itemGraphic(item) {
  if (item.kind === "followup" && item.followup) {
    return { kind: "followup", key: `followup:${item.item_id}`, case: item.case, followup: item.followup };
  }
  return { kind: "case", key: `case:${item.item_id}`, case: item.case };
}

function lowerThirdOf(state, featured, preview) {
  if (preview) return featured ? itemGraphic(featured) : null;
  const graphic = state.graphic || { kind: "none" };
  if (graphic.kind === "case" && state.on_air) return itemGraphic(state.on_air);
  if (graphic.kind === "commitment") {
    const commitment = (state.commitments || []).find((c) => c.id === graphic.id);
    if (commitment) return { kind: "commitment", key: `commitment:${commitment.id}`, commitment };
  }
  return null;
}

/** The display's view of `state`: everything the layouts need, already chosen and ordered. */
export function viewOf(state, { preview = false } = {}) {
  const featured = (preview ? state.standby : state.on_air) || null;
  const standby = state.standby ? { ref: state.standby.case.ref || "", title: state.standby.case.title,
                                    kind: state.standby.kind || "case" } : null;
  const queued = firstQueued(state.queue);
  const next = preview || !standby ? (queued ? { ...queued.case, kind: queued.kind || "case" } : null) : standby;
  const commitments = newestFirst(state.commitments);
  const forFeatured = featured ? commitments.filter((c) => featured.case.id != null && c.case_id === featured.case.id)
    : commitments;
  return {
    version: state.version,
    episode: state.episode,
    cleared: !preview && Boolean(state.screen && state.screen.cleared),
    preview,
    featured,
    next,
    commitments,
    featuredCommitments: forFeatured,
    followup: featured && featured.kind === "followup" ? featured.followup || null : null,
    lowerThird: lowerThirdOf(state, featured, preview),
  };
}
