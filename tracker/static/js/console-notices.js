// Passing notices ("the running order changed elsewhere; refreshed") and the standing
// connection banner. Notices stack at the top, are read out by screen readers, and fade by
// themselves; errors stay longer.

import { setHidden, setText, t } from "./console-util.js";

const region = document.querySelector("[data-notices]");
const MAX_NOTICES = 3;
const LIFETIME = { info: 4000, success: 4000, warning: 7000, error: 10000 };

/** Show `text` with a tone: info, success, warning or error. */
export function notify(text, tone = "info") {
  if (!region) return;
  const notice = document.createElement("p");
  notice.className = `notice notice-${tone}`;
  notice.setAttribute("role", tone === "error" || tone === "warning" ? "alert" : "status");
  notice.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "notice-close";
  close.setAttribute("aria-label", t("cancel"));
  close.textContent = "×";
  close.addEventListener("click", () => notice.remove());
  notice.append(close);
  region.prepend(notice);
  while (region.children.length > MAX_NOTICES) region.lastElementChild.remove();
  setTimeout(() => notice.remove(), LIFETIME[tone] || 5000);
}

const banner = document.querySelector("[data-offline-banner]");
const bannerText = document.querySelector("[data-offline-text]");
const indicator = document.querySelector("[data-connection]");
const indicatorText = document.querySelector("[data-connection-text]");
let graceTimer = null;

/** Reflect the live channel: a dot in the bar, and a banner while it is down. */
export function showConnection(status, { reconnected = false } = {}) {
  indicator?.setAttribute("data-connection", status);
  // The words come translated from the page: data-label-online, data-label-offline, …
  setText(indicatorText, indicator?.dataset[`label${status[0].toUpperCase()}${status.slice(1)}`] || status);
  if (status === "online") {
    clearTimeout(graceTimer);
    setHidden(banner, true);
    if (reconnected) notify(t("reconnected"), "success");
  } else if (status === "offline") {
    setText(bannerText, t("connection_lost"));
    setHidden(banner, false);
  }
}

/** On first load, give the connection a moment before calling it lost. */
export function expectConnection(graceMs = 2500) {
  graceTimer = setTimeout(() => {
    if (indicator?.getAttribute("data-connection") !== "online") showConnection("offline");
  }, graceMs);
}
