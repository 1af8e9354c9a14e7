// The oversight desk: J / K move through a queue (Enter opens the commitment); choosing a
// filter applies it at once.

const rows = () => [...document.querySelectorAll("[data-queue-row] a.row-link")];

function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || target.closest("input, textarea, select") !== null);
}

function move(step) {
  const links = rows();
  if (links.length === 0) return;
  const at = links.indexOf(document.activeElement);
  const next = at === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(at + step, 0), links.length - 1);
  links[next].focus();
  links[next].closest("tr")?.scrollIntoView({ block: "nearest" });
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
  if (event.key === "j" || event.key === "k") {
    event.preventDefault();
    move(event.key === "j" ? 1 : -1);
  }
});

const filters = document.querySelector("[data-desk-filters]");
for (const control of filters?.querySelectorAll("[data-autosubmit]") ?? []) {
  control.addEventListener("change", () => filters.requestSubmit());
}

// Leave empty filters out of the address, so it stays short enough to read and share.
filters?.addEventListener("formdata", (event) => {
  for (const [name, value] of [...event.formData.entries()]) {
    if (value === "") event.formData.delete(name);
  }
});
