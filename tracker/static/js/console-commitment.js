// The quick form for a commitment spoken on air. It follows the case on air — until the
// producer starts typing: then it stays with its case and says so if another goes on air.
// Departments come from the case (lead first); officials already seen are suggested.

import { addDays, dayInZone, daysBetween, setHidden, setText, t } from "./console-util.js";

function option(value, label) {
  const node = document.createElement("option");
  node.value = value;
  node.textContent = label;
  return node;
}

export function createCommitmentForm(store, api, notify, serverNow, focusTable) {
  const form = document.querySelector("[data-commitment-form]");
  const field = (name) => form.querySelector(`[data-field="${name}"]`);
  const caseSelect = field("case_id");
  const department = field("department_code");
  const name = field("official_name");
  const title = field("official_title");
  const content = field("content");
  const deadline = field("deadline");
  const days = form.querySelector("#commitment-days");
  const officialsList = form.querySelector("#officials-list");
  const warning = form.querySelector("[data-commitment-warning]");
  const none = form.querySelector("[data-commitment-none]");
  const caseDepartments = new Map(); // case id → [{code, name}], lead first
  const officials = new Map();       // department code → [{name, title}]
  let boundCase = null;              // the case the form is for
  let autoTitle = "";                // a title filled from a suggestion, replaced freely

  const today = () => dayInZone(serverNow(), store.zone);
  const dirty = () => Boolean(content.value.trim() || field("quote").value.trim());

  /** Cases a commitment can be for: the one on air first, then those already aired. */
  /** The case on air; null when nothing, or a follow-up block, is on air. */
  function onAirCase() {
    const item = store.inState("on_air");
    return item && item.kind !== "followup" ? item : null;
  }

  function candidates() {
    // Commitments are recorded for a case: a follow-up block (回头看) has none of its own.
    const aired = store.items().filter((item) => item.kind !== "followup" && (item.state === "on_air" || item.started_at));
    return aired.sort((a, b) => (b.state === "on_air") - (a.state === "on_air"));
  }

  async function loadDepartments(caseId) {
    if (!caseDepartments.has(caseId)) {
      const result = await api.get(`/cases/${caseId}`);
      if (!result.ok) return;
      caseDepartments.set(caseId, result.data.departments || []);
    }
    if (Number(caseSelect.value) !== caseId) return; // the choice moved on meanwhile
    const previous = department.value;
    department.replaceChildren(...caseDepartments.get(caseId).map((d, i) => option(d.code, i === 0 ? `${d.name} ★` : d.name)));
    if ([...department.options].some((o) => o.value === previous)) department.value = previous;
    loadOfficials();
  }

  async function loadOfficials() {
    const code = department.value;
    if (!code) return;
    if (!officials.has(code)) {
      const result = await api.get(`/commitments/officials?department=${encodeURIComponent(code)}`);
      officials.set(code, result.ok ? result.data : []);
    }
    if (department.value !== code) return;
    officialsList.replaceChildren(...officials.get(code).map((o) => option(o.name, o.title)));
  }

  function bind(caseId) {
    boundCase = caseId;
    if (Number(caseSelect.value) !== caseId) caseSelect.value = String(caseId);
    loadDepartments(caseId);
  }

  function render() {
    const cases = candidates();
    const onAir = onAirCase();
    const wanted = cases.map((item) => `${item.case_id}|${item.case.ref} ${item.case.title}`).join("\n");
    if (caseSelect.dataset.options !== wanted) {
      caseSelect.dataset.options = wanted;
      caseSelect.replaceChildren(...cases.map((item) => option(String(item.case_id),
        `${item.state === "on_air" ? `● ${t("on_air_marker")} · ` : ""}${item.case.ref} ${item.case.title}`)));
      if (boundCase) caseSelect.value = String(boundCase);
    }
    setHidden(none, cases.length > 0);
    form.classList.toggle("is-disabled", cases.length === 0);
    if (onAir && onAir.case_id !== boundCase && !dirty()) bind(onAir.case_id);
    else if (!boundCase && cases.length) bind(cases[0].case_id);
    const stray = onAir && boundCase && onAir.case_id !== boundCase;
    const ref = store.items().find((item) => item.case_id === boundCase)?.case.ref || "";
    setText(warning, stray ? t("case_changed", { ref }) : "");
    setHidden(warning, !stray);
  }

  function setDays(count) {
    days.value = String(count);
    deadline.value = addDays(today(), count);
  }

  function showErrors(fields) {
    for (const node of form.querySelectorAll(".field-error")) node.remove();
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    for (const [key, messages] of Object.entries(fields || {})) {
      const control = field(key) || caseSelect;
      control.setAttribute("aria-invalid", "true");
      const error = document.createElement("p");
      error.className = "field-error";
      error.textContent = [].concat(messages).join(" ");
      control.closest(".field").append(error);
    }
  }

  async function submit() {
    if (!caseSelect.value) return notify(t("no_aired_case"), "warning");
    const body = {
      case_id: Number(caseSelect.value), department_code: department.value, official_name: name.value.trim(),
      official_title: title.value.trim(), content: content.value.trim(), deadline: deadline.value,
      quote: field("quote").value.trim() || null,
    };
    const missing = Object.fromEntries(["department_code", "official_name", "official_title", "content", "deadline"]
      .filter((key) => !body[key]).map((key) => [key, [t("required")]]));
    if (Object.keys(missing).length) {
      showErrors(missing);
      field(Object.keys(missing)[0]).focus();
      return;
    }
    const result = await api.recordCommitment(body);
    if (!result) return;
    if (result.status === 422) {
      showErrors(result.data?.error?.fields);
      notify(t("check_fields"), "warning");
      return;
    }
    if (!result.ok) return;
    showErrors({});
    notify(t("committed", { name: body.official_name, content: body.content }), "success");
    content.value = "";
    field("quote").value = "";
    const onAir = onAirCase();
    if (onAir) bind(onAir.case_id);
    render();
    focusTable();
  }

  caseSelect.addEventListener("change", () => bind(Number(caseSelect.value)));
  department.addEventListener("change", loadOfficials);
  name.addEventListener("input", () => {
    const match = (officials.get(department.value) || []).find((o) => o.name === name.value.trim());
    if (match && (!title.value || title.value === autoTitle)) {
      title.value = match.title;
      autoTitle = match.title;
    }
  });
  days.addEventListener("input", () => {
    const count = Number.parseInt(days.value, 10);
    if (Number.isFinite(count) && count >= 0) deadline.value = addDays(today(), count);
  });
  deadline.addEventListener("input", () => {
    days.value = deadline.value ? String(daysBetween(today(), deadline.value)) : "";
  });
  for (const button of form.querySelectorAll("[data-days]")) {
    button.addEventListener("click", () => setDays(Number(button.dataset.days)));
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    } else if (event.key === "Escape") {
      event.preventDefault();
      focusTable();
    }
  });

  store.subscribe(render);
  render();
  return {
    render,
    focus: () => (!caseSelect.value ? caseSelect : !name.value ? name : content).focus(),
  };
}
