// Settings pages: keyboard shortcuts, the department field that only department accounts
// need, and copying a new token. Everything here is an enhancement: the pages work without it.

function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

// "/" jumps to the search box, "n" opens the "new …" link of the page.
function enableShortcuts() {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (event.key === "/") {
      const search = document.querySelector("[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    } else if (event.key === "n" || event.key === "N") {
      const link = document.querySelector("[data-shortcut='n']");
      if (link) {
        event.preventDefault();
        link.click();
      }
    }
  });
}

// The department select is shown, and required, only while the role is "department".
function linkRoleAndDepartment() {
  const role = document.querySelector("[data-role-select]");
  const wrapper = document.querySelector("[data-department-field]");
  if (!role || !wrapper) return;
  const select = wrapper.querySelector("select");
  const update = () => {
    const needed = role.value === "department";
    wrapper.hidden = !needed;
    if (select) select.required = needed;
  };
  role.addEventListener("change", update);
  update();
}

// A new token: selected when focused, and a copy button that says whether copying worked.
function enableTokenCopy() {
  const field = document.querySelector("[data-select-on-focus]");
  if (field) {
    field.addEventListener("focus", () => field.select());
    field.select();
  }
  const button = document.querySelector("[data-copy]");
  const status = document.querySelector("[data-copy-status]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      if (status) status.textContent = button.dataset.copied;
    } catch {
      source.focus();
      source.select();
      if (status) status.textContent = button.dataset.copyFailed;
    }
  });
}

enableShortcuts();
linkRoleAndDepartment();
enableTokenCopy();
