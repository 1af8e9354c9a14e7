// The strap (lower third) in two steps, as a vision mixer has it: a strap is cued to preview
// (the `?mode=preview` display shows it), taken to program (on air), and taken out — by
// button or key, with an optional auto-out after N seconds. Below it, this episode's
// commitments, newest first, each a strap, a quote, a correction or a withdrawal away.

import { cloneTemplate, epoch, setAttr, setClass, setHidden, setText, t } from "./console-util.js";

const AUTO_OUT_KEY = "console.strapAutoOut";

export function createGraphicView(store, api, notify, focusTable) {
  const panel = document.querySelector(".graphic-panel");
  const list = document.querySelector("[data-commitment-list]");
  const empty = document.querySelector("[data-commitment-empty]");
  const count = document.querySelector("[data-commitment-count]");
  const bus = (name) => panel.querySelector(`[data-strap-bus="${name}"]`);
  const button = (action) => panel.querySelector(`[data-strap-action="${action}"]`);
  const countdown = panel.querySelector("[data-strap-countdown]");
  const autoOut = panel.querySelector("[data-strap-auto-out]");
  const caseCue = panel.querySelector('.strap-sources [data-cue="case"]');
  const items = new Map();
  for (const node of list.querySelectorAll("[data-commitment-id]")) items.set(Number(node.dataset.commitmentId), node);

  autoOut.value = localStorage.getItem(AUTO_OUT_KEY) || "0";
  autoOut.addEventListener("change", () => {
    const seconds = Math.max(0, Math.min(600, Number.parseInt(autoOut.value, 10) || 0));
    autoOut.value = String(seconds);
    localStorage.setItem(AUTO_OUT_KEY, autoOut.value);
  });

  function caseRef(caseId) {
    return store.items().find((item) => item.case_id === caseId)?.case.ref || "";
  }

  /** What a strap says, in a line: the case on air, a commitment, or its quote. */
  function describe(strap) {
    if (!strap || strap.kind === "none") return "";
    if (strap.kind === "case") {
      // On program it is the item it went up with; cued, the case on air now.
      const item = (strap.item_id && store.item(strap.item_id)) || store.inState("on_air");
      return t("strap_case", { title: item ? `${item.kind === "followup" ? t("followup_tag") : item.case.ref} ${item.case.title}` : "—" });
    }
    const commitment = store.commitment(strap.id);
    const who = commitment ? `${commitment.official_name} ${commitment.official_title}` : `#${strap.id}`;
    if (strap.kind === "quote") return t("strap_quote", { who, quote: commitment?.quote || "" });
    return t("strap_commitment", { who, content: commitment?.content || "" });
  }

  function same(a, b) {
    return Boolean(a && b) && a.kind === b.kind && (a.kind === "case" || a.id === b.id);
  }

  function renderCommitments(graphic) {
    const commitments = store.commitments();
    let previous = null;
    for (const commitment of [...commitments].reverse()) {
      let node = items.get(commitment.id);
      if (!node) {
        node = cloneTemplate("commitment-template");
        node.dataset.commitmentId = String(commitment.id);
        items.set(commitment.id, node);
      }
      const cell = (name) => node.querySelector(`[data-cell="${name}"]`);
      setText(cell("department"), commitment.department);
      setText(cell("official"), `${commitment.official_name} ${commitment.official_title}`);
      setText(cell("deadline"), commitment.deadline);
      setText(cell("content"), commitment.content);
      setText(cell("quote"), commitment.quote || "");
      setHidden(cell("quote"), !commitment.quote);
      setText(cell("case"), caseRef(commitment.case_id));
      const quoteCue = node.querySelector('[data-cue="quote"]');
      setHidden(quoteCue, !commitment.quote);
      for (const cue of node.querySelectorAll("[data-cue]")) {
        const strap = { kind: cue.dataset.cue, id: commitment.id };
        setAttr(cue, "aria-pressed", same(strap, graphic.preview) ? "true" : "false");
        setClass(cue, "is-on-program", same(strap, graphic));
      }
      setClass(node, "is-on-screen", (graphic.kind === "commitment" || graphic.kind === "quote") && graphic.id === commitment.id);
      const expected = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expected !== node) list.insertBefore(node, expected);
      previous = node;
    }
    const ids = new Set(commitments.map((c) => c.id));
    for (const [id, node] of items) {
      if (!ids.has(id)) { node.remove(); items.delete(id); }
    }
    setHidden(empty, commitments.length > 0);
    setText(count, String(commitments.length));
  }

  let lastNow = null;
  /** The strap on program, as the displays show it: gone once its auto-out time has passed. */
  function onProgram() {
    const graphic = store.graphic();
    const outAt = epoch(graphic.out_at);
    const expired = outAt && lastNow != null && lastNow >= outAt;
    return expired ? { ...graphic, kind: "none", id: null, out_at: null } : graphic;
  }

  function render() {
    const graphic = onProgram();
    const ended = store.ended;
    setText(bus("preview").querySelector("[data-strap-text]"), describe(graphic.preview) || t("strap_nothing_cued"));
    setText(bus("program").querySelector("[data-strap-text]"), describe(graphic) || t("strap_nothing_on_air"));
    setClass(bus("preview"), "is-cued", Boolean(graphic.preview));
    setClass(bus("program"), "is-live", graphic.kind !== "none");
    button("take").disabled = ended || !graphic.preview;
    button("clear").disabled = ended || !graphic.preview;
    button("out").disabled = ended || graphic.kind === "none";
    caseCue.disabled = ended || !store.inState("on_air");
    setAttr(caseCue, "aria-pressed", same({ kind: "case" }, graphic.preview) ? "true" : "false");
    for (const cue of list.querySelectorAll("[data-cue]")) cue.disabled = ended;
    renderCommitments(graphic);
    tick(Date.now(), { fromRender: true });
  }

  /** The auto-out countdown, on the server's clock (called by the clocks' tick). */
  function tick(now, { fromRender = false } = {}) {
    const wasOn = onProgram().kind !== "none";
    if (!fromRender) lastNow = now;
    const graphic = onProgram();
    if (wasOn && graphic.kind === "none") render(); // the auto-out time has come
    const outAt = graphic.kind !== "none" ? epoch(graphic.out_at) : null;
    const left = outAt && lastNow ? Math.max(0, Math.ceil((outAt - lastNow) / 1000)) : null;
    setText(countdown, left == null ? "" : t("strap_out_in", { n: left }));
  }

  function autoOutSeconds() {
    return Math.max(0, Number.parseInt(autoOut.value, 10) || 0);
  }

  const refuseEnded = () => {
    if (store.ended) notify(t("show_ended"), "info");
    return store.ended;
  };

  const actions = {
    /** Cue a strap to preview; the case on air when no other is named. */
    cue(kind = "case", id = null) {
      if (refuseEnded()) return null;
      if (kind === "case" && !store.inState("on_air")) {
        notify(t("nothing_on_air"), "info");
        return null;
      }
      return api.cue(kind, id);
    },
    take() {
      if (refuseEnded()) return null;
      if (!store.graphic().preview) {
        notify(t("conflicts.nothing_cued"), "info");
        return null;
      }
      return api.takeStrap(autoOutSeconds());
    },
    out() {
      if (refuseEnded()) return null;
      if (onProgram().kind === "none") {
        notify(t("strap_nothing_on_air"), "info");
        return null;
      }
      return api.strapOut();
    },
  };

  panel.addEventListener("click", (event) => {
    const cue = event.target.closest("[data-cue]");
    const action = event.target.closest("[data-strap-action]")?.dataset.strapAction;
    if (cue) {
      const id = cue.dataset.cue === "case" ? null : Number(cue.closest("[data-commitment-id]").dataset.commitmentId);
      actions.cue(cue.dataset.cue, id);
    } else if (action === "clear") {
      api.cue("none");
    } else if (action) {
      actions[action]();
    } else {
      return;
    }
    focusTable(); // the keyboard is the show's again: Space takes, P takes the strap
  });

  store.subscribe(render);
  return { render, tick, ...actions };
}
