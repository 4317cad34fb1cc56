// The eventwire page: fetches the plugin's JSON endpoints (relative URLs, so the page works
// under any prefix) and draws hand-written SVG charts; no library, nothing from the network.
"use strict";

const PALETTE = [
  "#1c7ed6", "#f76707", "#2f9e44", "#e03131", "#7048e8", "#0c8599", "#d6336c", "#5c940d",
  "#e8590c", "#3b5bdb", "#c2255c", "#099268", "#f59f00", "#862e9c", "#495057", "#a61e4d",
];
const SVG = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:")
    ? document.createElementNS(SVG, tag.slice(4))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  }
  return node;
}

async function getJson(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `${path}: HTTP ${response.status}`);
  return body;
}

function showError(container, error) {
  container.replaceChildren(el("p", { class: "error" }, String(error.message || error)));
}

// Draws a panel from its data once ``request`` resolves; a failed request (or drawing) shows
// the error in ``box`` instead of leaving the panel blank.
async function panel(box, request, draw) {
  try {
    draw(await request);
  } catch (error) {
    showError(box, error);
  }
}

// A table body's rows, or one row that says there are none yet.
function fillRows(body, emptyText, rows) {
  const none = el("tr", {}, el("td", { class: "empty" }, emptyText));
  body.replaceChildren(...(rows.length ? rows : [none]));
}

const fmtTime = (iso) => (iso ? iso.replace("T", " ").slice(0, 16) : "");
const fmtNumber = (n) => (n === null || n === undefined ? "" : Number(n).toLocaleString("en"));
function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.round((seconds % 86400) / 3600)} h`;
}

// PLOVER types have fixed colours (the library's palette, from api/filters), shared with the
// report's plots; other keys (feeds, suites) take the palette in order.
const filtersReady = getJson("api/filters");
function colourMap(keys, fixed = {}) {
  return new Map(keys.map((key, index) => [key, fixed[key] || PALETTE[index % PALETTE.length]]));
}

// One legend entry per key; ``values`` maps a key to its total (a number) or a ready label.
function legend(list, values, colours) {
  list.replaceChildren(
    ...[...values.entries()].map(([key, value]) => {
      const item = el("li", { "data-key": key, "data-value": value },
        `${key} ${typeof value === "number" ? fmtNumber(value) : value}`);
      item.style.setProperty("--swatch", colours.get(key));  // CSSOM: allowed by the page's CSP
      return item;
    }),
  );
}

// Stacked bars: one bar per run, one segment per key, keys stacked in legend order (biggest at
// the bottom); rows are {run, key, n}.
const MAX_BAR_WIDTH = 36;
function stackedBars(container, rows, colours) {
  const runs = [...new Set(rows.map((row) => row.run))].sort();
  const order = [...colours.keys()];
  const stacked = [...rows].sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  const width = 640, height = 220, left = 44, bottom = 22, top = 8;
  const perRun = new Map(runs.map((run) => [run, 0]));
  for (const row of rows) perRun.set(row.run, perRun.get(row.run) + row.n);
  const max = Math.max(1, ...perRun.values());
  const svg = el("svg:svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  axis(svg, max, { width, height, left, bottom, top });
  const slot = (width - left - 4) / Math.max(1, runs.length);
  const barWidth = Math.min(MAX_BAR_WIDTH, Math.max(2, slot * 0.8));
  const xOf = (run) => left + runs.indexOf(run) * slot + (slot - barWidth) / 2;
  const offsets = new Map(runs.map((run) => [run, 0]));
  for (const row of stacked) {
    const h = ((height - top - bottom) * row.n) / max;
    const y = height - bottom - offsets.get(row.run) - h;
    offsets.set(row.run, offsets.get(row.run) + h);
    svg.append(el("svg:rect", {
      x: xOf(row.run).toFixed(1), y: y.toFixed(1), width: barWidth.toFixed(1),
      height: h.toFixed(1), fill: colours.get(row.key),
      "data-run": row.run, "data-key": row.key, "data-n": row.n,
    }, el("svg:title", {}, `${fmtTime(row.run)} ${row.key}: ${row.n}`)));
  }
  if (runs.length) {
    svg.append(el("svg:text", { x: xOf(runs[0]), y: height - 6, "font-size": 11 },
      fmtTime(runs[0])));
  }
  if (runs.length > 1) {
    svg.append(el("svg:text", {
      x: xOf(runs.at(-1)) + barWidth, y: height - 6, "text-anchor": "end", "font-size": 11,
    }, fmtTime(runs.at(-1))));
  }
  container.replaceChildren(svg);
  return runs.length;
}

function axis(svg, max, { width, height, left, bottom, top }, format = fmtNumber) {
  for (const fraction of [0, 0.5, 1]) {
    const y = height - bottom - (height - top - bottom) * fraction;
    svg.append(el("svg:line", { x1: left, x2: width - 4, y1: y, y2: y, stroke: "#d9e2ec" }));
    svg.append(el("svg:text", { x: left - 4, y: y + 4, "text-anchor": "end", "font-size": 10 },
      format(max * fraction)));
  }
}

function volumePanel(rows, chartId, legendId, totalId, noun, fixedColours = {}) {
  if (!rows.length) {
    document.getElementById(chartId).replaceChildren(el("p", { class: "empty" }, `no ${noun} yet`));
    return;
  }
  const totals = new Map();
  for (const row of rows) totals.set(row.key, (totals.get(row.key) || 0) + row.n);
  const sorted = new Map([...totals.entries()].sort((a, b) => b[1] - a[1]));
  const colours = colourMap([...sorted.keys()], fixedColours);
  const runCount = stackedBars(document.getElementById(chartId), rows, colours);
  legend(document.getElementById(legendId), sorted, colours);
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  const totalNode = document.getElementById(totalId);
  totalNode.textContent = `${fmtNumber(total)} ${noun} in ${runCount} run${runCount === 1 ? "" : "s"}`;
  totalNode.dataset.total = total;
}

function loadVolumes() {
  const chart = document.getElementById("articles-chart");
  return panel(chart, Promise.all([getJson("api/volumes"), filtersReady]), ([data, filters]) => {
    volumePanel(data.articles_by_feed, "articles-chart", "articles-legend", "articles-total",
      "articles");
    volumePanel(data.mentions_by_type, "mentions-chart", "mentions-legend", "mentions-total",
      "mentions", filters.type_colours);
  });
}

function loadRuns() {
  const body = document.getElementById("runs-body");
  return panel(body, getJson("api/runs"), ({ runs }) => {
    body.replaceChildren(...Object.entries(runs).map(([dagId, dagRuns]) => {
      const rows = dagRuns.map((run) => el("tr", { "data-state": run.state },
        el("td", {}, fmtTime(run.data_interval_end || run.run_after)),
        el("td", {}, el("span", { class: `state state-${run.state}` }, run.state)),
        el("td", { class: "num" }, fmtDuration(run.duration_s)),
        el("td", {}, run.run_type)));
      return el("div", { class: "dag", "data-dag": dagId },
        el("h3", {}, dagId),
        rows.length
          ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "interval end"),
            el("th", {}, "state"), el("th", { class: "num" }, "duration"), el("th", {}, "type"))),
          el("tbody", {}, ...rows))
          : el("p", { class: "empty" }, "no runs yet"));
    }));
  });
}

// One row per feed; a feed whose latest polls failed is flagged (data-failing) in red.
function loadFeeds() {
  const body = document.querySelector("#feeds-table tbody");
  return panel(body, getJson("api/feeds"), ({ feeds }) => {
    fillRows(body, "no ingest runs yet", feeds.map((feed) => el("tr",
      { "data-feed": feed.feed, "data-failing": feed.consecutive_failures > 0 ? "yes" : null },
      el("td", {}, feed.feed),
      el("td", {}, fmtTime(feed.last_success) || "never"),
      el("td", { class: "num" }, fmtNumber(feed.consecutive_failures)),
      el("td", {}, feed.last_error ? `${fmtTime(feed.last_error_at)} ${feed.last_error}` : ""),
      el("td", { class: "num" }, fmtNumber(feed.entries)),
      el("td", { class: "num" }, fmtNumber(feed.articles_kept)),
      el("td", { class: "num" }, fmtNumber(feed.polls)))));
  });
}

function loadQuality() {
  const chart = document.getElementById("quality-chart");
  return panel(chart, getJson("api/quality"), ({ trend, failures }) => {
    if (!trend.length) {
      chart.replaceChildren(el("p", { class: "empty" }, "no validation results yet"));
      return;
    }
    const suites = [...new Set(trend.map((row) => row.suite))].sort();
    const colours = colourMap(suites);
    const times = [...new Set(trend.map((row) => row.interval_end))].sort();
    const width = 640, height = 170, left = 44, bottom = 22, top = 8;
    const svg = el("svg:svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    axis(svg, 1, { width, height, left, bottom, top }, (v) => `${Math.round(v * 100)}%`);
    if (times.length) {
      svg.append(el("svg:text", { x: left, y: height - 6, "font-size": 11 }, fmtTime(times[0])));
      svg.append(el("svg:text", { x: width - 8, y: height - 6, "font-size": 11,
        "text-anchor": "end" }, fmtTime(times.at(-1))));
    }
    const xOf = (t) => left + ((width - left - 8) * times.indexOf(t)) / Math.max(1, times.length - 1);
    const yOf = (rate) => height - bottom - (height - top - bottom) * rate;
    const latest = new Map();
    for (const suite of suites) {
      const points = trend.filter((row) => row.suite === suite);
      svg.append(el("svg:polyline", {
        points: points.map((p) => `${xOf(p.interval_end).toFixed(1)},${yOf(p.pass_rate).toFixed(1)}`).join(" "),
        fill: "none", stroke: colours.get(suite), "stroke-width": 2,
      }));
      for (const p of points) {
        svg.append(el("svg:circle", {
          cx: xOf(p.interval_end).toFixed(1), cy: yOf(p.pass_rate).toFixed(1), r: 3,
          fill: colours.get(suite), "data-suite": suite, "data-pass-rate": p.pass_rate,
        }, el("svg:title", {}, `${suite} ${fmtTime(p.interval_end)}: ${p.passed}/${p.expectations}`)));
      }
      const last = points.at(-1);
      latest.set(suite, `${Math.round(last.pass_rate * 100)}% (${last.passed}/${last.expectations})`);
    }
    chart.replaceChildren(svg);
    legend(document.getElementById("quality-legend"), latest, colours);
    document.querySelector("#failures tbody").replaceChildren(...failures.map((f) => el("tr", {},
      el("td", {}, fmtTime(f.validated_at)), el("td", {}, f.suite), el("td", {}, f.expectation),
      el("td", {}, f.severity), el("td", { class: "num" }, fmtNumber(f.unexpected_count)))));
  });
}

function loadQuarantine() {
  const tbody = document.querySelector("#quarantine-counts tbody");
  const samples = document.getElementById("quarantine-samples");
  return panel(samples, getJson("api/quarantine"), ({ counts }) => {
    tbody.replaceChildren(...counts.map((row) => {
      const tr = el("tr", { class: "pick", "data-stage": row.stage, "data-reason": row.reason },
        el("td", {}, row.stage), el("td", {}, row.reason),
        el("td", { class: "num" }, fmtNumber(row.n)), el("td", {}, fmtTime(row.latest)));
      tr.addEventListener("click", () => {
        tbody.querySelectorAll("tr").forEach((other) => other.classList.remove("picked"));
        tr.classList.add("picked");
        loadSamples(row.stage, row.reason);
      });
      return tr;
    }));
    if (counts.length) loadSamples(counts[0].stage, counts[0].reason);
  });
}

function loadSamples(stage, reason) {
  const box = document.getElementById("quarantine-samples");
  const query = new URLSearchParams({ stage, reason });
  return panel(box, getJson(`api/quarantine/samples?${query}`), ({ samples }) => {
    box.replaceChildren(el("h3", {}, `${stage} · ${reason}`), ...samples.flatMap((s) => [
      el("div", { class: "sample" }, `${fmtTime(s.quarantined_at)} ${s.source_name || ""} `,
        s.url ? el("a", { href: s.url, target: "_blank", rel: "noopener" }, s.url) : "",
        ` (${fmtNumber(s.payload_chars)} chars)`),
      el("pre", { class: "payload" }, s.payload || ""),
    ]));
  });
}

// One row per recode run: what it coded again and what changed, before → after.
const beforeAfter = (before, after) => `${fmtNumber(before)} → ${fmtNumber(after)}`;
function loadRecodes() {
  const body = document.querySelector("#recodes-table tbody");
  return panel(body, getJson("api/recodes"), ({ recodes }) => {
    fillRows(body, "no recodes yet", recodes.map((run) => el("tr", { "data-run": run.run_id },
      el("td", { title: run.run_id }, fmtTime(run.started) || run.run_id),
      el("td", {}, `${run.first_day === run.last_day ? run.first_day
        : `${run.first_day} … ${run.last_day}`} (${fmtNumber(run.days)})`),
      el("td", { class: "num" }, fmtNumber(run.articles)),
      el("td", { class: "num" }, beforeAfter(run.events_before, run.events_after)),
      el("td", { class: "num" }, beforeAfter(run.fatalities_before, run.fatalities_after)),
      el("td", { class: "num" },
        `${fmtNumber(run.ids_kept)} / ${fmtNumber(run.ids_new)} / ${fmtNumber(run.ids_deleted)}`),
      el("td", { class: "version" },
        `${run.versions_before.join(", ") || "none"} → ${run.extractor_versions.join(", ")}`))));
  });
}

function loadFilters() {
  const form = document.getElementById("event-filter");
  const count = document.getElementById("events-count");
  return panel(count, filtersReady, ({ countries, plover_types: types }) => {
    form.country.append(...countries.map((c) => el("option", { value: c }, c)));
    form.type.append(...types.map((t) => el("option", { value: t }, t)));
  });
}

function whoToWhom(event) {
  if (!event.actor_text && !event.recipient_text) return "";
  return `${event.actor_text || "?"} → ${event.recipient_text || "?"}`;
}

// The map: Natural Earth outlines (one SVG path in degrees, y = -latitude) under one circle
// per place, framed on the places like the report's map and widened to the panel's shape so
// nothing is drawn outside the frame. Circle sizes are in screen pixels, converted to degrees.
const MAP_ASPECT = 2.2, MAP_MARGIN_DEG = 4, MAP_MIN_SPAN_DEG = 30, MAP_CAP_DEATHS = 200;
let outlines = null;

function mapExtent(places) {
  if (!places.length) return [-180, 180, -90, 90];
  const span = (values) => {
    const min = Math.min(...values), max = Math.max(...values);
    return [(min + max) / 2, Math.max(max - min + 2 * MAP_MARGIN_DEG, MAP_MIN_SPAN_DEG)];
  };
  const [lonCentre, lonSpan] = span(places.map((p) => p.lon));
  const [latCentre, latSpan] = span(places.map((p) => p.lat));
  const width = Math.min(360, Math.max(lonSpan, latSpan * MAP_ASPECT));
  const height = width / MAP_ASPECT;
  const west = Math.min(180 - width, Math.max(-180, lonCentre - width / 2));
  const south = Math.min(90 - height, Math.max(-90, latCentre - height / 2));
  return [west, west + width, south, south + height];
}

function loadMap(query) {
  const box = document.getElementById("events-map");
  const requests = Promise.all([
    outlines || (outlines = getJson("api/outlines")), getJson(`api/map?${query}`), filtersReady,
  ]);
  return panel(box, requests, ([{ path }, { places }, { type_colours: colours }]) => {
    const [west, east, south, north] = mapExtent(places);
    const degPerPx = (east - west) / (box.clientWidth || 900);
    const svg = el("svg:svg", {
      viewBox: `${west} ${-north} ${east - west} ${north - south}`, role: "img",
    }, el("svg:path", { d: path, class: "land" }));
    for (const p of places) {  // deadliest first, so smaller circles end up on top
      const radius = (4 + 2 * Math.sqrt(Math.min(p.fatalities, MAP_CAP_DEATHS))) * degPerPx;
      svg.append(el("svg:circle", {
        cx: p.lon, cy: -p.lat, r: radius.toFixed(3), fill: colours[p.plover_type] || "#000",
        class: "place", "data-place": p.place, "data-fatalities": p.fatalities,
      }, el("svg:title", {}, `${p.place || "?"} (${p.country || "?"}): ${p.events} events, ` +
        `${p.fatalities} killed, mostly ${p.plover_type}`)));
    }
    box.replaceChildren(svg);
    const byType = new Map();
    for (const p of places) byType.set(p.plover_type, (byType.get(p.plover_type) || 0) + 1);
    legend(document.getElementById("map-legend"), byType, colourMap([...byType.keys()], colours));
    const killed = places.reduce((sum, p) => sum + p.fatalities, 0);
    document.getElementById("map-total").textContent =
      `${fmtNumber(places.length)} places, ${fmtNumber(killed)} killed`;
  });
}

function filterQuery() {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(document.getElementById("event-filter"))) {
    if (value) query.set(name, value);
  }
  return query;
}

// Events come a page at a time, newest event date first; the pager moves the offset.
const EVENTS_PAGE = 100;
let eventsOffset = 0;

// Historical background, announced plans and negated events are shown with a label, so a
// reader never takes them for something that just happened.
function eventLabels(event) {
  const labels = [];
  if (event.date_flag && event.date_flag !== "reported") labels.push(event.date_flag);
  if (event.negated) labels.push("negated");
  return labels.map((label) => el("span", { class: `flag flag-${label}` }, label));
}

function loadEvents() {
  const query = filterQuery();
  query.set("limit", EVENTS_PAGE);
  query.set("offset", eventsOffset);
  const count = document.getElementById("events-count");
  return panel(count, getJson(`api/events?${query}`), ({ events, total, offset }) => {
    count.textContent = `${fmtNumber(total)} events`;
    count.dataset.count = total;
    document.querySelector("#events-table tbody").replaceChildren(...events.map((e) =>
      el("tr", { "data-event": e.event_id, "data-flag": e.date_flag, "data-negated": e.negated },
        el("td", {}, el("span", { class: "nowrap" }, e.event_date), ...eventLabels(e)),
        el("td", {}, e.plover_type), el("td", {}, e.country),
        el("td", {}, e.location_name), el("td", {}, whoToWhom(e)),
        el("td", { class: "num" }, fmtNumber(e.fatalities)),
        el("td", { class: "sentence" }, e.sentence_text),
        el("td", {}, e.url ? el("a", { href: e.url, target: "_blank", rel: "noopener" },
          e.source_name || "source") : ""))));
    const range = document.getElementById("events-range");
    range.textContent = total ? `${offset + 1}–${offset + events.length} of ${fmtNumber(total)}` : "";
    const [newer, older] = document.querySelectorAll("#events-pager button");
    newer.disabled = offset === 0;
    older.disabled = offset + events.length >= total;
  });
}

document.querySelectorAll("#events-pager button").forEach((button) => {
  button.addEventListener("click", () => {
    eventsOffset = Math.max(0, eventsOffset + Number(button.dataset.step) * EVENTS_PAGE);
    loadEvents();
  });
});
function applyFilter() {
  eventsOffset = 0;
  loadEvents();
  loadMap(filterQuery());
}

const eventFilter = document.getElementById("event-filter");
eventFilter.addEventListener("submit", (event) => {
  event.preventDefault();
  applyFilter();
});
eventFilter.reported_only.addEventListener("change", applyFilter);
loadRuns();
loadFeeds();
loadVolumes();
loadQuality();
loadQuarantine();
loadRecodes();
loadFilters().then(applyFilter);
