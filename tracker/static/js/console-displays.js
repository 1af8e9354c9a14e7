// Who is watching: every display with its health ("大屏2 离线 12 秒"), which output it is
// (programme or preview) and its layout, how far behind the episode it is — from the version
// it last painted — a remote reload, and forgetting a display that is gone; and the producers'
// consoles (one entry per open console).

import { cloneTemplate, epoch, humanDuration, setAttr, setClass, setHidden, setText, t } from "./console-util.js";

// A display a moment behind is normal (the change is on its way); say so only if it stays behind.
const BEHIND_GRACE_MS = 2000;

/** "大屏", "字幕条" …; a layout this console does not know by its own name. */
function layoutName(layout) {
  if (!layout) return "";
  const name = t(`displays.layouts.${layout}`);
  return name === `displays.layouts.${layout}` ? layout : name;
}

export function createDisplaysView(store, live, notify, serverNow) {
  const list = document.querySelector("[data-display-list]");
  const empty = document.querySelector("[data-display-empty]");
  const consoles = document.querySelector("[data-console-list]");
  const entries = new Map(); // key → {node, client}
  const behindSince = new Map();

  /** "同步", "正在更新…" within the grace time, then "落后 2 版". Lag against the newest
   *  version this console knows, which may be newer than the one the listing was made at. */
  function versionText(client, now) {
    const current = store.version;
    const version = client.version;
    if (typeof version !== "number") return { text: t("no_version"), behind: false };
    if (!client.online) {
      behindSince.delete(client.key);
      return { text: t("displays.last_showed", { version }), behind: false };
    }
    const lag = Math.max(0, current - version);
    if (lag === 0) {
      behindSince.delete(client.key);
      return { text: t("displays.in_sync", { version }), behind: false };
    }
    if (!behindSince.has(client.key)) behindSince.set(client.key, now);
    if (now - behindSince.get(client.key) <= BEHIND_GRACE_MS) {
      return { text: t("displays.syncing", { current }), behind: false };
    }
    return { text: t("displays.lag", { lag, version, current }), behind: true };
  }

  /** The parts that change with time: "在线 3 分钟", and whether a display has fallen behind. */
  function tick(now) {
    for (const { node, client } of entries.values()) {
      const since = epoch(client.since);
      const duration = humanDuration(since ? (now - since) / 1000 : 0);
      setText(node.querySelector('[data-cell="status"]'),
        t(client.online ? "online_for" : "offline_for", { duration }));
      const version = versionText(client, now);
      setText(node.querySelector('[data-cell="version"]'), version.text);
      setClass(node, "is-behind", version.behind);
    }
  }

  function draw(node, client) {
    setText(node.querySelector('[data-cell="name"]'), client.name);
    const mode = node.querySelector('[data-cell="mode"]');
    setText(mode, t(`displays.modes.${client.mode || "program"}`));
    setAttr(mode, "data-mode", client.mode || "program");
    setText(node.querySelector('[data-cell="layout"]'), layoutName(client.layout));
    setClass(node, "is-online", client.online);
    setClass(node, "is-offline", !client.online);
    const reload = node.querySelector("[data-reload]");
    reload.disabled = !client.online;
    setAttr(reload, "aria-label", `${reload.textContent.trim()} ${client.name}`);
    const forget = node.querySelector("[data-forget]");
    setHidden(forget, client.online);
    setAttr(forget, "aria-label", `${forget.textContent.trim()} ${client.name}`);
  }

  function render() {
    const displays = store.presence.filter((client) => client.kind === "display");
    const keys = new Set(displays.map((client) => client.key));
    let previous = null;
    for (const client of displays) {
      let entry = entries.get(client.key);
      if (!entry) {
        const node = cloneTemplate("display-template");
        node.dataset.key = client.key;
        entry = { node };
        entries.set(client.key, entry);
      }
      entry.client = client;
      draw(entry.node, client);
      const expected = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expected !== entry.node) list.insertBefore(entry.node, expected);
      previous = entry.node;
    }
    for (const [key, entry] of entries) {
      if (!keys.has(key)) { entry.node.remove(); entries.delete(key); behindSince.delete(key); }
    }
    setHidden(empty, displays.length > 0);
    const names = store.presence.filter((client) => client.kind === "console" && client.online)
      .map((client) => ((client.user || client.key) === store.me ? `${client.name}（${t("you")}）` : client.name));
    setText(consoles, names.length ? names.join("、") : "—");
    tick(serverNow());
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-reload], [data-forget]");
    if (!button) return;
    const client = entries.get(button.closest("[data-key]").dataset.key)?.client;
    if (!client) return;
    if (button.matches("[data-forget]")) {
      const forgotten = await live.forgetDisplay(client.key);
      notify(t(forgotten ? "displays.forgotten" : "displays.forget_refused", { name: client.name }),
        forgotten ? "success" : "warning");
      return;
    }
    const reached = await live.reloadDisplay(client.key);
    notify(t(reached ? "reload_sent" : "reload_missed", { name: client.name }), reached ? "success" : "warning");
  });

  store.subscribe(render);
  return { render, tick };
}
