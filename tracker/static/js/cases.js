// The case pool: "/" jumps to the search box; choosing a filter applies it at once.

const filters = document.querySelector("[data-case-filters]");
const searchBox = filters?.querySelector("[data-search-box]");

function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || target.closest("input, textarea, select") !== null);
}

document.addEventListener("keydown", (event) => {
  if (!searchBox || event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (isTyping(event.target)) return; // a "/" typed into a field is just a character
  event.preventDefault();
  searchBox.focus();
  searchBox.select();
});

searchBox?.addEventListener("keydown", (event) => {
  if (event.key === "Escape") searchBox.blur();
});

for (const control of filters?.querySelectorAll("[data-autosubmit]") ?? []) {
  control.addEventListener("change", () => filters.requestSubmit());
}

// Leave empty filters out of the address, so it stays short enough to read and share.
filters?.addEventListener("formdata", (event) => {
  for (const [name, value] of [...event.formData.entries()]) {
    if (value === "") event.formData.delete(name);
  }
});
