// The console's keyboard: a whole show can be run without the mouse. Single keys never fire
// while the producer types in a field or a dialog is open. Space is Take wherever the focus
// is — on a button just pressed too — so no control can keep it (Enter still presses a button).

import { isDialogOpen } from "./console-dialog.js";
import { isTyping, t } from "./console-util.js";

// What the server refuses once the show has ended; the console says so without asking it.
const ON_AIR_KEYS = new Set([" ", "t", "l", "p", "o", "e", "n", "d", "s", "h", "r", "escape"]);

function selected(store) {
  return store.item(store.selectedId);
}

/** `handlers`: clearScreen(), focusCommitment(), focusSearch(), take(), takeNext(),
 *  cueStrap(), takeStrap(), strapOut(), editPlanned(id), toggleVote(). */
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
    " ": () => handlers.take(),
    t: () => handlers.takeNext(),
    l: () => handlers.cueStrap(),
    p: () => handlers.takeStrap(),
    o: () => handlers.strapOut(),
    e: () => needSelection() && handlers.editPlanned(store.selectedId),
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
    v: () => handlers.toggleVote(),
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
    // Enter presses a focused button or follows a link; Space is always Take.
    const handler = single[key];
    if (!handler) return;
    event.preventDefault();
    if (store.ended && ON_AIR_KEYS.has(key)) {
      notify(t("show_ended"), "info");
      return;
    }
    handler();
  });
  // A button activates on Space's keyup: the key was Take's, so the button must not fire too.
  document.addEventListener("keyup", (event) => {
    if (event.key === " " && !isDialogOpen() && !isTyping(event.target)) event.preventDefault();
  });
}
