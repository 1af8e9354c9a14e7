// The console's keyboard: a whole show can be run without the mouse. Single keys never fire
// while the producer types in a field, and Space on a focused button presses that button.

import { isDialogOpen } from "./console-dialog.js";
import { isTyping, t } from "./console-util.js";

function selected(store) {
  return store.item(store.selectedId);
}

/** `handlers`: clearScreen(), focusCommitment(), focusSearch(). */
export function enableShortcuts(store, api, notify, handlers) {
  const needSelection = () => {
    const item = selected(store);
    if (!item) notify(t("no_selection"), "info");
    return item;
  };

  function act(action) {
    if (!needSelection()) return;
    const id = store.selectedId; // the row chosen now, even if the action waits for an earlier one
    api.act(action, () => store.item(id));
  }

  function moveSelected(step) {
    const item = needSelection();
    if (!item) return;
    const index = store.items().findIndex((each) => each.id === item.id);
    const position = index + step;
    if (position >= 0 && position < store.items().length) api.move(item.id, position);
  }

  const single = {
    " ": () => api.act("take", () => store.inState("standby"), t("nothing_on_standby")),
    arrowup: () => store.selectBy(-1),
    arrowdown: () => store.selectBy(1),
    home: () => store.items().length && store.select(store.items()[0].id),
    end: () => store.items().length && store.select(store.items().at(-1).id),
    n: () => act("standby"),
    // Done ends what is on air (the selection can only be done if it is that case).
    d: () => api.act("done", () => store.inState("on_air"), t("nothing_on_air")),
    s: () => act("skip"),
    h: () => act("hold"),
    r: () => act("requeue"),
    escape: () => handlers.clearScreen(),
    c: () => handlers.focusCommitment(),
    "/": () => handlers.focusSearch(),
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || isDialogOpen()) return;
    if (isTyping(event.target)) return; // the field's own keys (Ctrl+Z undoes typing, not the show)
    const key = event.key.toLowerCase();
    const command = event.ctrlKey || event.metaKey;
    if (command && !event.altKey && !event.shiftKey && key === "z") {
      event.preventDefault();
      api.undo();
      return;
    }
    if (command) return; // every other browser shortcut stays the browser's
    if (event.altKey) {
      if (key === "arrowup" || key === "arrowdown") {
        event.preventDefault();
        moveSelected(key === "arrowup" ? -1 : 1);
      }
      return;
    }
    // A focused button or link keeps Space and Enter for itself.
    if ((key === " " || key === "enter") && event.target.closest?.("button, a, summary")) return;
    const handler = single[key];
    if (!handler) return;
    event.preventDefault();
    handler();
  });
}
