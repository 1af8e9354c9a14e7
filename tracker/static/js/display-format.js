// Text for the display: durations, dates, the clock, and the page's translated templates.

const body = document.body;

/** A translated template from the page (`data-msg-*`), with `{name}` placeholders filled in. */
export function message(name, values = {}) {
  const template = body.dataset[name] || "";
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

export function duration(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = String(Math.floor((total % 3600) / 60)).padStart(2, "0");
  const rest = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${minutes}:${rest}` : `${minutes}:${rest}`;
}

const locale = document.documentElement.lang || "zh-CN";

const dayFormat = new Intl.DateTimeFormat(locale, {
  year: "numeric", month: "long", day: "numeric", timeZone: "UTC",
});

/** "2026-12-31" → "2026年12月31日" (a calendar day: no time zone may shift it). */
export function calendarDay(isoDay) {
  const moment = Date.parse(`${isoDay}T00:00:00Z`);
  return Number.isNaN(moment) ? String(isoDay || "") : dayFormat.format(moment);
}

export function clockFormat(timeZone) {
  let format;
  try {
    format = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit",
                                                hour12: false, timeZone });
  } catch {
    format = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit",
                                                hour12: false });
  }
  return (epochMs) => format.format(epochMs);
}

export function episodeNumber(episode) {
  return message("msgEpisode", { number: episode.number });
}

export function officialOf(commitment) {
  return [commitment.official_name, commitment.official_title].filter(Boolean).join(" ");
}

const FOLLOWUP_TAGS = ["回头看", "Follow-up", "Follow-up:"];

/**
 * A follow-up block's heading without the word its tag already shows: "回头看：逾期未办结的承诺"
 * under a "回头看" tag reads "逾期未办结的承诺"; a block called just "回头看" has no heading.
 */
export function followupHeading(title) {
  const text = String(title || "").trim();
  for (const tag of new Set([message("msgFollowup"), ...FOLLOWUP_TAGS])) {
    if (tag && text.toLowerCase().startsWith(tag.toLowerCase())) {
      return text.slice(tag.length).replace(/^[\s:：·•|｜\-—–]+/u, "");
    }
  }
  return text;
}
