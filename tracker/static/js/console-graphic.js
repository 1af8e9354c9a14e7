// The lower third — the case on air, one commitment, or nothing; only what a producer chose —
// and the list of this episode's commitments, newest first, each one a click from the screen.

import { cloneTemplate, setAttr, setClass, setHidden, setText, t } from "./console-util.js";

export function createGraphicView(store, api, focusTable) {
  const list = document.querySelector("[data-commitment-list]");
  const empty = document.querySelector("[data-commitment-empty]");
  const count = document.querySelector("[data-commitment-count]");
  const now = document.querySelector("[data-graphic-now]");
  const items = new Map();
  for (const node of list.querySelectorAll("[data-commitment-id]")) items.set(Number(node.dataset.commitmentId), node);

  function pressed(button, on) {
    setAttr(button, "aria-pressed", on ? "true" : "false");
  }

  function caseRef(caseId) {
    return store.items().find((item) => item.case_id === caseId)?.case.ref || "";
  }

  function render() {
    const graphic = store.live.graphic || { kind: "none", id: null };
    const commitments = store.commitments();
    let previous = null;
    for (const commitment of [...commitments].reverse()) {
      let node = items.get(commitment.id);
      if (!node) {
        node = cloneTemplate("commitment-template");
        node.dataset.commitmentId = String(commitment.id);
        node.querySelector("[data-graphic]").dataset.graphicId = String(commitment.id);
        items.set(commitment.id, node);
      }
      const cell = (name) => node.querySelector(`[data-cell="${name}"]`);
      setText(cell("department"), commitment.department);
      setText(cell("official"), `${commitment.official_name} ${commitment.official_title}`);
      setText(cell("deadline"), commitment.deadline);
      setText(cell("content"), commitment.content);
      setText(cell("case"), caseRef(commitment.case_id));
      const shown = graphic.kind === "commitment" && graphic.id === commitment.id;
      pressed(node.querySelector("[data-graphic]"), shown);
      setClass(node, "is-on-screen", shown);
      const expected = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expected !== node) list.insertBefore(node, expected);
      previous = node;
    }
    const ids = new Set(commitments.map((c) => c.id));
    for (const [id, node] of items) {
      if (!ids.has(id)) { node.remove(); items.delete(id); }
    }
    setHidden(empty, commitments.length > 0);
    setText(count, String(commitments.length));
    for (const button of document.querySelectorAll('.graphic-choices [data-graphic]')) {
      pressed(button, button.dataset.graphic === graphic.kind);
    }
    setText(now, t(`graphic_${graphic.kind}`));
    setClass(now, "is-live", graphic.kind !== "none");
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-graphic]");
    if (!button) return;
    const kind = button.dataset.graphic;
    const id = kind === "commitment" ? Number(button.dataset.graphicId) : null;
    const graphic = store.live.graphic || {};
    // Pressing the choice already on screen takes it off: the lower third shows nothing.
    const current = graphic.kind === kind && (kind !== "commitment" || graphic.id === id);
    if (current && kind !== "none") api.graphic("none");
    else if (!current) api.graphic(kind, id);
    if (event.detail > 0) focusTable();
  });

  store.subscribe(render);
  return { render };
}
