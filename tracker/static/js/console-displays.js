// Who is watching: every display with its health ("大屏2 离线 12 秒"), the version it shows
// against the current one, and a remote reload; and the producers' consoles.

import { cloneTemplate, epoch, humanDuration, setAttr, setClass, setHidden, setText, t } from "./console-util.js";

// A display a moment behind is normal (the change is on its way); say so only if it stays behind.
const BEHIND_GRACE_MS = 2000;

export function createDisplaysView(store, live, notify, serverNow) {
  const list = document.querySelector("[data-display-list]");
  const empty = document.querySelector("[data-display-empty]");
  const consoles = document.querySelector("[data-console-list]");
  const entries = new Map(); // key → {node, client}
  const behindSince = new Map();

  function versionText(client, now) {
    const current = store.version;
    if (typeof client.version !== "number") return { text: t("no_version"), behind: false };
    if (client.version >= current || !client.online) {
      behindSince.delete(client.key);
      return { text: t("shows_version", { version: client.version }), behind: false };
    }
    if (!behindSince.has(client.key)) behindSince.set(client.key, now);
    const behind = now - behindSince.get(client.key) > BEHIND_GRACE_MS;
    return { text: behind ? t("behind", { version: client.version, current })
      : t("shows_version", { version: client.version }), behind };
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
      const { node } = entry;
      setText(node.querySelector('[data-cell="name"]'), client.name);
      setText(node.querySelector('[data-cell="layout"]'), client.layout || "");
      setClass(node, "is-online", client.online);
      setClass(node, "is-offline", !client.online);
      const reload = node.querySelector("[data-reload]");
      reload.disabled = !client.online;
      setAttr(reload, "aria-label", `${reload.textContent.trim()} ${client.name}`);
      const expected = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expected !== node) list.insertBefore(node, expected);
      previous = node;
    }
    for (const [key, entry] of entries) {
      if (!keys.has(key)) { entry.node.remove(); entries.delete(key); }
    }
    setHidden(empty, displays.length > 0);
    const names = store.presence.filter((client) => client.kind === "console" && client.online)
      .map((client) => (client.key === store.me ? `${client.name}（${t("you")}）` : client.name));
    setText(consoles, names.length ? names.join("、") : "—");
    tick(serverNow());
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-reload]");
    if (!button) return;
    const client = entries.get(button.closest("[data-key]").dataset.key)?.client;
    if (!client) return;
    const reached = await live.reloadDisplay(client.key);
    notify(t(reached ? "reload_sent" : "reload_missed", { name: client.name }), reached ? "success" : "warning");
  });

  store.subscribe(render);
  return { render, tick };
}
