// The console's own confirm dialog, for what must not happen by accident (clear screen, end
// the episode). Modal: focus stays inside; Enter confirms, Esc cancels; focus returns after.

import { setText, t } from "./console-util.js";

const dialog = document.querySelector("[data-dialog]");
const title = dialog?.querySelector("[data-dialog-title]");
const body = dialog?.querySelector("[data-dialog-body]");
const confirmButton = dialog?.querySelector("[data-dialog-confirm]");
const cancelButton = dialog?.querySelector("[data-dialog-cancel]");
let settle = null;

/** True while any of the console's dialogs is open: its shortcuts sleep meanwhile. */
export function isDialogOpen() {
  return document.querySelector("dialog[open]") !== null;
}

function close(answer) {
  if (!dialog?.open) return;
  dialog.close();
  const done = settle;
  settle = null;
  done?.(answer);
}

function focusables() {
  return [...dialog.querySelectorAll("button:not([disabled]), [href], input, select, textarea")]
    .filter((node) => !node.hidden);
}

dialog?.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.preventDefault();
    close(false);
  } else if (event.key === "Enter") {
    event.preventDefault();
    close(document.activeElement !== cancelButton);
  } else if (event.key === "Tab") {
    // Keep Tab inside the dialog, cycling over its controls.
    const nodes = focusables();
    const index = nodes.indexOf(document.activeElement);
    const next = event.shiftKey ? (index <= 0 ? nodes.length - 1 : index - 1) : (index + 1) % nodes.length;
    event.preventDefault();
    nodes[next]?.focus();
  }
  event.stopPropagation(); // the console's shortcuts sleep while the dialog is open
});
dialog?.addEventListener("cancel", (event) => { event.preventDefault(); close(false); });
// However the browser closed it (a close request without a cancel event), it was not a yes.
// The event arrives a moment after the closing: by then a new question may be open.
dialog?.addEventListener("close", () => {
  if (dialog.open) return;
  const done = settle;
  settle = null;
  done?.(false);
});
confirmButton?.addEventListener("click", () => close(true));
cancelButton?.addEventListener("click", () => close(false));

/** Ask; resolves true when confirmed. `danger` paints the confirm button red. */
export function confirmDialog({ heading, text, confirm, danger = true }) {
  if (!dialog) return Promise.resolve(false);
  if (dialog.open) close(false);
  const returnTo = document.activeElement;
  setText(title, heading);
  setText(body, text || "");
  body.hidden = !text;
  setText(confirmButton, confirm);
  setText(cancelButton, t("cancel"));
  confirmButton.classList.toggle("danger", danger);
  confirmButton.classList.toggle("primary", !danger);
  dialog.showModal();
  confirmButton.focus();
  return new Promise((resolve) => {
    settle = (answer) => {
      if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus({ preventScroll: true });
      resolve(answer);
    };
  });
}
