// The import preview: once a column choice changes, the dry run on the page no longer
// matches it, so "Import" waits until the producer has previewed again.
const form = document.querySelector("[data-import-mapping]");

if (form) {
  const applyButton = form.querySelector("[data-apply]");
  const notice = form.querySelector("[data-mapping-changed]");
  const initial = new Map(
    [...form.querySelectorAll("[data-mapping-select]")].map((select) => [select, select.value]),
  );

  form.addEventListener("change", (event) => {
    if (!initial.has(event.target)) return;
    const changed = [...initial].some(([select, value]) => select.value !== value);
    if (applyButton) {
      applyButton.disabled = changed || applyButton.hasAttribute("data-was-disabled");
    }
    if (notice) notice.hidden = !changed;
  });

  if (applyButton && applyButton.disabled) applyButton.setAttribute("data-was-disabled", "");

  // Importing cannot be undone from the page: one click, one import.
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter === applyButton) {
      setTimeout(() => { applyButton.disabled = true; }, 0);
    }
  });
}
