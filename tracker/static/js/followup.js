// The follow-up picker (/oversight/followup): "pick all" per group, one commitment listed in two
// groups stays picked in both, and the count of picked commitments next to the button.

const form = document.querySelector("[data-followup-form]");
const counter = document.querySelector("[data-picked-count]");
const boxes = () => [...document.querySelectorAll("input[data-pick]")];

function picked() {
  return new Set(boxes().filter((box) => box.checked).map((box) => box.value));
}

function refresh() {
  const count = picked().size;
  if (counter) counter.textContent = count ? counter.dataset.template.replace("{count}", String(count)) : "";
  for (const group of document.querySelectorAll("[data-followup-group]")) {
    const all = group.querySelector("[data-pick-all]");
    const own = [...group.querySelectorAll("input[data-pick]")];
    if (all) all.checked = own.length > 0 && own.every((box) => box.checked);
  }
}

function setPicked(value, checked) {
  for (const box of boxes()) if (box.value === value) box.checked = checked;
}

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("input[data-pick]")) {
    setPicked(target.value, target.checked);
  } else if (target.matches("[data-pick-all]")) {
    const group = target.closest("[data-followup-group]");
    for (const box of group.querySelectorAll("input[data-pick]")) setPicked(box.value, target.checked);
  }
  refresh();
});

if (form) refresh();
