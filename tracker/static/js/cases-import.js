// The import preview: once a column choice or a confirmation changes, the dry run on the page
// no longer matches it, so "Import" waits until the producer has previewed again.
const form = document.querySelector("[data-import-mapping]");

const stateOf = (control) => (control.type === "checkbox" ? control.checked : control.value);

if (form) {
  const applyButton = form.querySelector("[data-apply]");
  const notices = {
    "select-one": form.querySelector("[data-mapping-changed]"),
    checkbox: form.querySelector("[data-options-changed]"),
  };
  const initial = new Map(
    [...form.querySelectorAll("[data-mapping-select]")].map((control) => [control, stateOf(control)]),
  );

  form.addEventListener("change", (event) => {
    if (!initial.has(event.target)) return;
    const changed = [...initial].filter(([control, state]) => stateOf(control) !== state).map(([control]) => control);
    if (applyButton) {
      applyButton.disabled = changed.length > 0 || applyButton.hasAttribute("data-was-disabled");
    }
    for (const [type, notice] of Object.entries(notices)) {
      if (notice) notice.hidden = !changed.some((control) => control.type === type);
    }
  });

  if (applyButton && applyButton.disabled) applyButton.setAttribute("data-was-disabled", "");

  // Importing cannot be undone from the page: one click, one import.
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter === applyButton) {
      setTimeout(() => { applyButton.disabled = true; }, 0);
    }
  });
}
