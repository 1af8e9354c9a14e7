// Add cases from the pool: search as you type (debounced; an older answer never overwrites a
// newer one), ↑/↓ to choose, Enter adds the highlighted case with the planned minutes.

import { setAttr, t } from "./console-util.js";

const DEBOUNCE_MS = 180;

export function createCaseSearch(store, api, notify, focusTable) {
  const input = document.querySelector("#case-search");
  const results = document.querySelector("#case-results");
  const minutes = document.querySelector("#planned-minutes");
  let found = [];
  let active = -1;
  let timer = null;
  let controller = null;

  function inRundown(caseId) {
    return store.items().some((item) => item.case_id === caseId);
  }

  function open(isOpen) {
    results.hidden = !isOpen;
    setAttr(input, "aria-expanded", isOpen ? "true" : "false");
  }

  function line(text, className) {
    const node = document.createElement("li");
    node.className = className;
    node.textContent = text;
    return node;
  }

  function draw(heading) {
    const nodes = heading ? [line(heading, "combo-heading")] : [];
    found.forEach((found_case, index) => {
      const node = document.createElement("li");
      node.id = `case-option-${found_case.id}`;
      node.setAttribute("role", "option");
      node.dataset.index = String(index);
      const taken = inRundown(found_case.id);
      node.className = `combo-option${taken ? " is-taken" : ""}`;
      node.setAttribute("aria-selected", index === active ? "true" : "false");
      if (taken) node.setAttribute("aria-disabled", "true");
      const ref = document.createElement("span");
      ref.className = "combo-ref";
      ref.textContent = found_case.ref;
      const title = document.createElement("span");
      title.className = "combo-title";
      title.textContent = found_case.title;
      const meta = document.createElement("span");
      meta.className = "combo-meta";
      const lead = (found_case.departments || [])[0];
      meta.textContent = [lead?.name, taken ? t("in_rundown") : ""].filter(Boolean).join(" · ");
      node.append(ref, title, meta);
      nodes.push(node);
    });
    if (!found.length) nodes.push(line(t("no_match"), "combo-empty"));
    results.replaceChildren(...nodes);
    setAttr(input, "aria-activedescendant", active >= 0 && found[active] ? `case-option-${found[active].id}` : "");
    open(true);
  }

  async function search() {
    controller?.abort();
    controller = new AbortController();
    const query = input.value.trim();
    const params = new URLSearchParams({ per_page: "10" });
    if (query) params.set("q", query);
    else params.set("status", "pool");
    const result = await api.get(`/cases?${params}`, { signal: controller.signal });
    if (result.aborted || query !== input.value.trim()) return; // a newer search is on its way
    if (!result.ok) {
      found = [];
      draw(t("network_error"));
      return;
    }
    found = result.data.items || [];
    active = found.findIndex((c) => !inRundown(c.id));
    draw(query ? "" : t("pool_hint"));
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  }

  async function add(index) {
    const chosen = found[index];
    if (!chosen || inRundown(chosen.id)) return;
    const planned = Math.round(Math.max(0, Number.parseFloat(minutes.value) || 0) * 60);
    const result = await api.addCase(chosen.id, planned);
    if (result?.ok) {
      notify(t("added", { ref: chosen.ref, title: chosen.title }), "success");
      found = found.filter((c) => c.id !== chosen.id);
      active = Math.min(active, found.length - 1);
      draw("");
    }
  }

  function moveActive(step) {
    if (!found.length) return;
    active = (active + step + found.length) % found.length;
    draw(input.value.trim() ? "" : t("pool_hint"));
    document.getElementById(`case-option-${found[active].id}`)?.scrollIntoView({ block: "nearest" });
  }

  input.addEventListener("input", schedule);
  input.addEventListener("focus", schedule);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      moveActive(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      add(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (input.value) input.value = "";
      open(false);
      focusTable();
    }
  });
  // mousedown, not click: the input must not lose focus (and close the list) first.
  results.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[data-index]");
    if (!option) return;
    event.preventDefault();
    add(Number(option.dataset.index));
  });
  input.addEventListener("blur", () => setTimeout(() => open(false), 150));

  return { focus: () => { input.focus(); input.select(); } };
}
