/*
 * The public tracker's charts, drawn with Apache ECharts (static/vendor/echarts, loaded before
 * this module as `window.echarts`).
 *
 * Each chart is an element `<div data-chart="monthly|status|ontime" data-source="ID">` whose
 * figures are the JSON in `<script type="application/json" id="ID">` (data, never executed).
 * The same figures stand in a table under each chart, so nothing here is needed to read them.
 *
 * Tooltips are drawn on the canvas (`renderMode: "richText"`): ECharts' HTML tooltips carry
 * inline style attributes, which the Content-Security-Policy refuses.
 */

// The palette of static/css/app.css: brand blue, "ok" green, and the status badges' tones.
const COLOURS = {
  brand: "#1a4f8b",
  ok: "#1c6b3a",
  ink: "#1c2430",
  inkSoft: "#4a5565",
  line: "#d5dbe3",
};
const STATUS_COLOURS = {
  committed: "#7a8594",
  in_progress: "#1a4f8b",
  claimed_done: "#6a3d9a",
  verified: "#1c6b3a",
  claimed_unfulfillable: "#c77700",
  closed_unfulfilled: "#b3261e",
};
const FONT = getComputedStyle(document.body).fontFamily;

function isNarrow(element) {
  return element.clientWidth < 480;
}

function base() {
  return {
    animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
    textStyle: { fontFamily: FONT, color: COLOURS.ink },
    // The table under the chart is the accessible version; ECharts' own description is not needed twice.
    aria: { enabled: false },
    tooltip: { renderMode: "richText", confine: true },
  };
}

function monthly(data, element) {
  const narrow = isNarrow(element);
  return {
    ...base(),
    tooltip: { ...base().tooltip, trigger: "axis" },
    legend: { top: 0, textStyle: { color: COLOURS.ink } },
    grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
    xAxis: {
      type: "category",
      data: data.months.map((month) => (narrow ? month.slice(5) : month)),
      axisLabel: { color: COLOURS.inkSoft, hideOverlap: true },
      axisLine: { lineStyle: { color: COLOURS.line } },
    },
    yAxis: {
      type: "value",
      minInterval: 1,
      axisLabel: { color: COLOURS.inkSoft },
      splitLine: { lineStyle: { color: COLOURS.line } },
    },
    series: [
      { name: data.labels.made, type: "bar", data: data.made, itemStyle: { color: COLOURS.brand }, barMaxWidth: 18 },
      { name: data.labels.verified, type: "bar", data: data.verified, itemStyle: { color: COLOURS.ok }, barMaxWidth: 18 },
    ],
  };
}

function status(data, element) {
  const narrow = isNarrow(element);
  const items = data.items.filter((item) => item.count > 0);
  return {
    ...base(),
    tooltip: { ...base().tooltip, trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: narrow
      ? { bottom: 0, left: "center", itemWidth: 12, textStyle: { color: COLOURS.ink } }
      : { orient: "vertical", right: 0, top: "middle", textStyle: { color: COLOURS.ink } },
    series: [{
      type: "pie",
      radius: ["45%", "72%"],
      center: narrow ? ["50%", "40%"] : ["35%", "50%"],
      avoidLabelOverlap: true,
      label: { show: false },
      itemStyle: { borderColor: "#fff", borderWidth: 2 },
      data: items.map((item) => ({
        name: item.label,
        value: item.count,
        itemStyle: { color: STATUS_COLOURS[item.status] || COLOURS.inkSoft },
      })),
    }],
  };
}

function ontime(data) {
  const names = [...data.names].reverse();
  const rates = [...data.rates].reverse().map((rate) => Math.round(rate * 100));
  return {
    ...base(),
    tooltip: { ...base().tooltip, trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => `${v}%` },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%", color: COLOURS.inkSoft },
             splitLine: { lineStyle: { color: COLOURS.line } } },
    yAxis: { type: "category", data: names, axisLabel: { color: COLOURS.ink, width: 110, overflow: "truncate" } },
    series: [{
      name: data.label, type: "bar", data: rates, barMaxWidth: 16, itemStyle: { color: COLOURS.brand },
      label: { show: true, position: "right", formatter: "{c}%", color: COLOURS.ink },
    }],
  };
}

const KINDS = { monthly, status, ontime };

function draw(element) {
  const source = document.getElementById(element.dataset.source);
  const build = KINDS[element.dataset.chart];
  if (!source || !build) return null;
  if (element.dataset.chart === "ontime") {
    // One bar per department: the chart grows with the table.
    element.classList.add("chart-rows");
    element.style.height = `${Math.max(160, JSON.parse(source.textContent).names.length * 32 + 40)}px`;
  }
  const chart = window.echarts.init(element, null, { renderer: "canvas" });
  chart.setOption(build(JSON.parse(source.textContent), element));
  return chart;
}

function start() {
  if (!window.echarts) return; // the tables under the charts still say it all
  const charts = [...document.querySelectorAll("[data-chart]")].map(draw).filter(Boolean);
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => charts.forEach((chart) => chart.resize()));
  });
}

start();
