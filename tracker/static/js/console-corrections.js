// Corrections on air: a commitment's words put right (PATCH), or one recorded by mistake
// withdrawn with a reason (POST …/withdraw, asked first). The server keeps what was recorded
// first in the timeline; the pushed state brings the change to the list and to the strap.

import { setText, t } from "./console-util.js";

const FIELDS = ["official_name", "official_title", "content", "deadline", "quote"];

/** Open `dialog` modally; resolves when it closes. Focus goes back where it was. */
function openModal(dialog, first) {
  const returnTo = document.activeElement;
  dialog.showModal();
  first.focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus({ preventScroll: true });
      resolve();
    }, { once: true });
  });
}

function showErrors(form, fields) {
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  for (const [key, messages] of Object.entries(fields || {})) {
    const control = form.querySelector(`[data-field="${key}"]`);
    if (!control) continue;
    control.setAttribute("aria-invalid", "true");
    const error = document.createElement("p");
    error.className = "field-error";
    error.textContent = [].concat(messages).join(" ");
    control.closest(".field").append(error);
  }
  const first = form.querySelector("[aria-invalid]");
  first?.focus();
  return Boolean(first);
}

export function createCorrections(store, api, notify) {
  const correction = document.querySelector("[data-correction-dialog]");
  const correctionForm = correction.querySelector("form");
  const withdrawal = document.querySelector("[data-withdraw-dialog]");
  const withdrawForm = withdrawal.querySelector("form");
  const field = (form, name) => form.querySelector(`[data-field="${name}"]`);
  let current = null; // the commitment the open dialog is about

  for (const dialog of [correction, withdrawal]) {
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        dialog.querySelector("form").requestSubmit();
      }
      event.stopPropagation(); // the console's shortcuts sleep while a dialog is open
    });
    dialog.querySelector("[data-dialog-cancel]").addEventListener("click", () => dialog.close());
  }

  function correct(id) {
    current = store.commitment(id);
    if (!current) return null;
    for (const name of FIELDS) field(correctionForm, name).value = current[name] || "";
    showErrors(correctionForm, {});
    return openModal(correction, field(correctionForm, "content"));
  }

  function withdraw(id) {
    current = store.commitment(id);
    if (!current) return null;
    setText(withdrawal.querySelector("[data-withdraw-summary]"),
      `${current.official_name} ${current.official_title}：${current.content}`);
    field(withdrawForm, "reason").value = "";
    showErrors(withdrawForm, {});
    return openModal(withdrawal, field(withdrawForm, "reason"));
  }

  correctionForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    for (const name of FIELDS) {
      const value = field(correctionForm, name).value.trim();
      if (value !== (current[name] || "")) changes[name] = name === "quote" && !value ? null : value;
    }
    const missing = Object.fromEntries(FIELDS.filter((name) => name !== "quote" && name in changes && !changes[name])
      .map((name) => [name, [t("required")]]));
    if (showErrors(correctionForm, missing)) return;
    if (!Object.keys(changes).length) {
      correction.close();
      return;
    }
    const result = await api.correctCommitment(current.id, changes);
    if (result?.status === 422) {
      showErrors(correctionForm, result.data?.error?.fields);
      notify(t("check_fields"), "warning");
      return;
    }
    if (!result?.ok) return;
    correction.close();
    notify(t("corrected", { name: current.official_name }), "success");
  });

  withdrawForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = field(withdrawForm, "reason").value.trim();
    if (showErrors(withdrawForm, reason ? {} : { reason: [t("reason_required")] })) return;
    const result = await api.withdrawCommitment(current.id, reason);
    if (result?.status === 422) {
      showErrors(withdrawForm, result.data?.error?.fields);
      return;
    }
    if (!result?.ok) return;
    withdrawal.close();
    notify(t("withdrawn", { name: current.official_name }), "warning");
  });

  document.querySelector("[data-commitment-list]").addEventListener("click", (event) => {
    const node = event.target.closest("[data-commitment-id]");
    if (!node) return;
    const id = Number(node.dataset.commitmentId);
    if (event.target.closest("[data-correct]")) correct(id);
    else if (event.target.closest("[data-withdraw]")) withdraw(id);
  });

  return { correct, withdraw };
}
