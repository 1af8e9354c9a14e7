// The case editor: narrow the long list of co-responsible departments by typing, and keep
// the lead department out of it (it is responsible already).

const lead = document.querySelector("[data-lead-select]");
const filter = document.querySelector("[data-filter-for]");
const others = filter ? document.getElementById(filter.dataset.filterFor) : null;
const chosen = document.querySelector("[data-chosen-for]");

function matches(option, words) {
  const text = `${option.textContent} ${option.value}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

function refresh() {
  if (!others) return;
  const words = (filter.value || "").toLowerCase().split(/\s+/).filter(Boolean);
  for (const option of others.options) {
    const isLead = lead !== null && option.value === lead.value;
    if (isLead) option.selected = false;
    option.disabled = isLead;
    // Chosen departments stay visible, so a filter never hides what will be saved.
    option.hidden = !option.selected && (isLead || !matches(option, words));
  }
  if (chosen) {
    // Chosen options may sit far down the list: name them where they can be seen.
    const names = [...others.selectedOptions].map((option) => option.textContent);
    chosen.textContent = names.length ? `${chosen.dataset.label} ${names.join("、")}` : "";
  }
}

filter?.addEventListener("input", refresh);
lead?.addEventListener("change", refresh);
others?.addEventListener("change", refresh);
refresh();
