// The department workspace: filters apply as soon as they are chosen; claiming a commitment
// done (or unfulfillable) asks once more, since only a supervisor can send it back.

const filters = document.querySelector("[data-dept-filters]");

for (const control of filters?.querySelectorAll("[data-autosubmit]") ?? []) {
  control.addEventListener("change", () => filters.requestSubmit());
}

// Leave empty filters out of the address, so it stays short enough to read and share.
filters?.addEventListener("formdata", (event) => {
  for (const [name, value] of [...event.formData.entries()]) {
    if (value === "") event.formData.delete(name);
  }
});

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

// A form shown again with errors: bring it into view, its first wrong field focused.
const invalid = document.querySelector(".dept-forms [aria-invalid='true'], .dept-forms .field-error");
if (invalid) {
  const form = invalid.closest("form");
  form.scrollIntoView({ block: "start" });
  (form.querySelector("[aria-invalid='true']") ?? form.querySelector("textarea, input:not([type=hidden])"))?.focus();
}
