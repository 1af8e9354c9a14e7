// Small helpers the console's modules share: words, text updates that never redraw what is
// unchanged, durations and the station's calendar.

let messages = {};

export function setMessages(words) {
  messages = words || {};
}

/** The translated text for `key` ("states.queued", "over"), its {placeholders} filled in. */
export function t(key, values = {}) {
  const text = key.split(".").reduce((node, part) => (node == null ? node : node[part]), messages);
  const template = typeof text === "string" ? text : key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Set a node's text only when it differs, so a redraw touches nothing that did not change. */
export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

export function setHidden(node, hidden) {
  if (node && node.hidden !== hidden) node.hidden = hidden;
}

export function setClass(node, name, on) {
  if (node && node.classList.contains(name) !== on) node.classList.toggle(name, on);
}

export function setAttr(node, name, value) {
  if (node && node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** A fresh copy of the first element of a <template> (the markup lives in the page, once). */
export function cloneTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

/** True while the person is typing into a field: single-key shortcuts must not fire then. */
export function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || target.closest("input, textarea, select") !== null);
}

/** "mm:ss", or "h:mm:ss" past an hour; the sign is the caller's business. */
export function clock(seconds) {
  if (seconds == null || Number.isNaN(seconds)) return "—";
  const whole = Math.floor(Math.abs(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return hours ? `${hours}:${pad(minutes)}:${pad(secs)}` : `${pad(minutes)}:${pad(secs)}`;
}

/** "12 秒", "3 分钟", "1 小时 5 分钟": how long something has been so. */
export function humanDuration(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return t("seconds", { n: whole });
  if (whole < 3600) return t("minutes", { n: Math.floor(whole / 60) });
  return t("hours", { h: Math.floor(whole / 3600), m: Math.floor((whole % 3600) / 60) });
}

const formatters = new Map();

function formatter(zone, withSeconds) {
  const key = `${zone}|${withSeconds}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      ...(withSeconds ? { second: "2-digit" } : {}),
    }));
  }
  return formatters.get(key);
}

/** The wall-clock time of an instant (epoch ms) in the station's zone: "21:04" or "21:04:09". */
export function timeInZone(ms, zone, withSeconds = false) {
  return formatter(zone, withSeconds).format(new Date(ms));
}

/** The calendar day of an instant in the station's zone, as "YYYY-MM-DD". */
export function dayInZone(ms, zone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(ms));
}

/** "YYYY-MM-DD" plus `days` calendar days (no time zone can shift a pure date). */
export function addDays(day, days) {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** Whole days from one "YYYY-MM-DD" to another. */
export function daysBetween(from, to) {
  const utc = (day) => { const [y, m, d] = day.split("-").map(Number); return Date.UTC(y, m - 1, d); };
  return Math.round((utc(to) - utc(from)) / 86400000);
}

export function epoch(iso) {
  return iso ? Date.parse(iso) : null;
}
