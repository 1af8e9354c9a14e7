// The running-order table. Rows are keyed by item id and updated in place — a pushed change
// rewrites only the cells that changed and moves only the rows that moved — so nothing
// flickers, the selection stays, and the scroll position is kept. Reordering by drag and drop.

import { confirmDialog } from "./console-dialog.js";
import { clock, cloneTemplate, setAttr, setClass, setHidden, setText, t } from "./console-util.js";

const ACTIONS = ["take", "standby", "done", "skip", "hold", "requeue"];

function followupCount(item) {
  return item.commitment_ids ? item.commitment_ids.length : item.followup_count || 0;
}

/** `onAir.take(pick)` takes an item on air, asking to start the show first if need be. */
export function createRundownView(store, api, onAir) {
  const body = document.querySelector("[data-rundown-body]");
  const focusBox = document.querySelector("[data-rundown-focus]");
  const empty = document.querySelector("[data-rundown-empty]");
  const summary = document.querySelector("[data-rundown-summary]");
  const versionTag = document.querySelector("[data-version]");
  const rows = new Map();
  for (const row of body.querySelectorAll("tr[data-item-id]")) rows.set(Number(row.dataset.itemId), row);
  let lastSelected = null;
  let lastIndex = -1;

  function cell(row, name) {
    return row.querySelector(`[data-cell="${name}"]`);
  }

  function rowFor(item) {
    let row = rows.get(item.id);
    if (!row) {
      row = cloneTemplate("rundown-row-template");
      row.id = `item-${item.id}`;
      row.dataset.itemId = String(item.id);
      rows.set(item.id, row);
    }
    return row;
  }

  function fill(row, item, index) {
    setAttr(row, "data-state", item.state);
    setText(cell(row, "position"), String(index + 1));
    const block = item.kind === "followup";
    setClass(row, "is-followup", block);
    setText(cell(row, "ref"), block ? t("followup_tag") : item.case.ref || "");
    setText(cell(row, "title"), item.case.title || "");
    // A follow-up block (回头看) names no department: it says how many commitments it reports on.
    const department = block ? t("followup_count", { count: followupCount(item) }) : item.case.lead_department?.name || "";
    setText(cell(row, "department"), department);
    const tooltip = `${block ? "" : item.case.ref || ""} ${item.case.title || ""}`.trim();
    setAttr(cell(row, "title").parentElement, "title", department ? `${tooltip} · ${department}` : tooltip);
    setText(cell(row, "planned"), clock(item.planned_seconds));
    if (item.state !== "on_air") {
      // The on-air row's actual time ticks in console-clocks.js.
      setText(cell(row, "actual"), item.started_at ? clock(item.actual_seconds) : "—");
      const over = item.planned_seconds != null && item.started_at && item.actual_seconds > item.planned_seconds;
      setClass(cell(row, "actual"), "is-over", Boolean(over));
    }
    setText(cell(row, "state"), t(`states.${item.state}`));
    for (const action of ACTIONS) {
      setHidden(row.querySelector(`[data-action="${action}"]`), !store.allows(item, action));
    }
    const removable = !item.started_at && item.state !== "on_air" && item.state !== "standby";
    setHidden(row.querySelector('[data-action="remove"]'), !removable);
    const selected = item.id === store.selectedId;
    setClass(row, "is-selected", selected);
    if (selected) setAttr(row, "aria-current", "true");
    else row.removeAttribute("aria-current");
  }

  function render() {
    store.settleSelection(lastIndex);
    const items = store.items();
    let previous = null;
    items.forEach((item, index) => {
      const row = rowFor(item);
      fill(row, item, index);
      const expected = previous ? previous.nextElementSibling : body.firstElementChild;
      if (expected !== row) body.insertBefore(row, expected); // moves only what moved
      previous = row;
    });
    const ids = new Set(items.map((item) => item.id));
    for (const [id, row] of rows) {
      if (!ids.has(id)) { row.remove(); rows.delete(id); }
    }
    setHidden(empty, items.length > 0);
    const planned = items.filter((i) => i.state === "queued" || i.state === "standby")
      .reduce((sum, i) => sum + (i.planned_seconds || 0), 0);
    setText(summary, `${items.length} · ${t("states.queued")} ${clock(planned)}`);
    setText(versionTag, String(store.version));
    lastIndex = items.findIndex((item) => item.id === store.selectedId);
    if (store.selectedId !== lastSelected) {
      lastSelected = store.selectedId;
      rows.get(store.selectedId)?.scrollIntoView({ block: "nearest" });
    }
  }

  async function removeItem(id) {
    const item = store.item(id);
    const yes = await confirmDialog({ heading: t("ask_remove_title"),
      text: `${item?.case.ref || ""} ${item?.case.title || ""}`, confirm: t("ask_remove_confirm") });
    if (yes) api.remove(id);
  }

  body.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-item-id]");
    if (!row) return;
    const id = Number(row.dataset.itemId);
    store.select(id);
    if (event.target.closest("[data-edit-plan]")) return; // console-timing.js opens the editor
    const action = event.target.closest("button[data-action]")?.dataset.action;
    if (action === "remove") {
      removeItem(id); // the dialog takes the focus and gives it back
      return;
    }
    if (action === "take") onAir.take(() => store.item(id));
    else if (action) api.act(action, () => store.item(id));
    // After a mouse click the keyboard shortcuts must work at once: focus the table again.
    if (event.detail > 0) focusBox.focus({ preventScroll: true });
  });

  enableDragAndDrop(body, store, api);
  store.subscribe(render);
  return { render, focus: () => focusBox.focus({ preventScroll: true }) };
}

/** HTML5 drag and drop on rows: drop above or below the row under the pointer. */
function enableDragAndDrop(body, store, api) {
  let dragged = null;
  let marked = null;

  function mark(row, where) {
    if (marked && (marked.row !== row || marked.where !== where)) marked.row.classList.remove(`drop-${marked.where}`);
    if (row) row.classList.add(`drop-${where}`);
    marked = row ? { row, where } : null;
  }

  body.addEventListener("dragstart", (event) => {
    const row = event.target.closest?.("tr[data-item-id]");
    if (!row) return;
    dragged = Number(row.dataset.itemId);
    store.select(dragged);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", String(dragged));
    row.classList.add("is-dragging");
  });

  body.addEventListener("dragover", (event) => {
    if (dragged == null) return;
    const row = event.target.closest("tr[data-item-id]");
    if (!row) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const box = row.getBoundingClientRect();
    mark(row, event.clientY < box.top + box.height / 2 ? "before" : "after");
  });

  body.addEventListener("drop", (event) => {
    if (dragged == null || !marked) return;
    event.preventDefault();
    const order = store.items().map((item) => item.id).filter((id) => id !== dragged);
    const target = Number(marked.row.dataset.itemId);
    let position = order.indexOf(target);
    if (position < 0) position = order.length;
    if (marked.where === "after") position += 1;
    const current = store.items().findIndex((item) => item.id === dragged);
    if (position !== current) api.move(dragged, position);
  });

  body.addEventListener("dragend", () => {
    body.querySelector(".is-dragging")?.classList.remove("is-dragging");
    mark(null);
    dragged = null;
  });
}
