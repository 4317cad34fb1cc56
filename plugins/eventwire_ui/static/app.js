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

const fmtTime = (iso) => (iso ? iso.replace("T", " ").slice(0, 16) : "");
const fmtNumber = (n) => (n === null || n === undefined ? "" : Number(n).toLocaleString("en"));
function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.round((seconds % 86400) / 3600)} h`;
}

function colourMap(keys) {
  return new Map(keys.map((key, index) => [key, PALETTE[index % PALETTE.length]]));
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

function volumePanel(rows, chartId, legendId, totalId, noun) {
  if (!rows.length) {
    document.getElementById(chartId).replaceChildren(el("p", { class: "empty" }, `no ${noun} yet`));
    return;
  }
  const totals = new Map();
  for (const row of rows) totals.set(row.key, (totals.get(row.key) || 0) + row.n);
  const sorted = new Map([...totals.entries()].sort((a, b) => b[1] - a[1]));
  const colours = colourMap([...sorted.keys()]);
  const runCount = stackedBars(document.getElementById(chartId), rows, colours);
  legend(document.getElementById(legendId), sorted, colours);
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  const totalNode = document.getElementById(totalId);
  totalNode.textContent = `${fmtNumber(total)} ${noun} in ${runCount} run${runCount === 1 ? "" : "s"}`;
  totalNode.dataset.total = total;
}

async function loadVolumes() {
  try {
    const data = await getJson("api/volumes");
    volumePanel(data.articles_by_feed, "articles-chart", "articles-legend", "articles-total",
      "articles");
    volumePanel(data.mentions_by_type, "mentions-chart", "mentions-legend", "mentions-total",
      "mentions");
  } catch (error) {
    showError(document.getElementById("articles-chart"), error);
  }
}

async function loadRuns() {
  const body = document.getElementById("runs-body");
  try {
    const { runs } = await getJson("api/runs");
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
  } catch (error) {
    showError(body, error);
  }
}

// One row per feed; a feed whose latest polls failed is flagged (data-failing) in red.
async function loadFeeds() {
  const body = document.querySelector("#feeds-table tbody");
  try {
    const { feeds } = await getJson("api/feeds");
    body.replaceChildren(...feeds.map((feed) => el("tr",
      { "data-feed": feed.feed, "data-failing": feed.consecutive_failures > 0 ? "yes" : null },
      el("td", {}, feed.feed),
      el("td", {}, fmtTime(feed.last_success) || "never"),
      el("td", { class: "num" }, fmtNumber(feed.consecutive_failures)),
      el("td", {}, feed.last_error ? `${fmtTime(feed.last_error_at)} ${feed.last_error}` : ""),
      el("td", { class: "num" }, fmtNumber(feed.entries)),
      el("td", { class: "num" }, fmtNumber(feed.articles_kept)),
      el("td", { class: "num" }, fmtNumber(feed.polls)))));
    if (!feeds.length) body.replaceChildren(el("tr", {}, el("td", { class: "empty" }, "no ingest runs yet")));
  } catch (error) {
    showError(body, error);
  }
}

async function loadQuality() {
  const chart = document.getElementById("quality-chart");
  try {
    const { trend, failures } = await getJson("api/quality");
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
  } catch (error) {
    showError(chart, error);
  }
}

async function loadQuarantine() {
  const tbody = document.querySelector("#quarantine-counts tbody");
  try {
    const { counts } = await getJson("api/quarantine");
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
  } catch (error) {
    showError(document.getElementById("quarantine-samples"), error);
  }
}

async function loadSamples(stage, reason) {
  const box = document.getElementById("quarantine-samples");
  try {
    const query = new URLSearchParams({ stage, reason });
    const { samples } = await getJson(`api/quarantine/samples?${query}`);
    box.replaceChildren(el("h3", {}, `${stage} · ${reason}`), ...samples.flatMap((s) => [
      el("div", { class: "sample" }, `${fmtTime(s.quarantined_at)} ${s.source_name || ""} `,
        s.url ? el("a", { href: s.url, target: "_blank", rel: "noopener" }, s.url) : "",
        ` (${fmtNumber(s.payload_chars)} chars)`),
      el("pre", { class: "payload" }, s.payload || ""),
    ]));
  } catch (error) {
    showError(box, error);
  }
}

async function loadFilters() {
  const form = document.getElementById("event-filter");
  try {
    const { countries, plover_types: types } = await getJson("api/filters");
    form.country.append(...countries.map((c) => el("option", { value: c }, c)));
    form.type.append(...types.map((t) => el("option", { value: t }, t)));
  } catch (error) {
    showError(document.getElementById("events-count"), error);
  }
}

function whoToWhom(event) {
  if (!event.actor_text && !event.recipient_text) return "";
  return `${event.actor_text || "?"} → ${event.recipient_text || "?"}`;
}

async function loadEvents() {
  const form = document.getElementById("event-filter");
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) query.set(name, value);
  const count = document.getElementById("events-count");
  try {
    const { events } = await getJson(`api/events?${query}`);
    count.textContent = `${events.length} events`;
    count.dataset.count = events.length;
    document.querySelector("#events-table tbody").replaceChildren(...events.map((e) =>
      el("tr", { "data-event": e.event_id },
        el("td", {}, e.event_date), el("td", {}, e.plover_type), el("td", {}, e.country),
        el("td", {}, e.location_name), el("td", {}, whoToWhom(e)),
        el("td", { class: "num" }, fmtNumber(e.fatalities)),
        el("td", { class: "sentence" }, e.sentence_text),
        el("td", {}, e.url ? el("a", { href: e.url, target: "_blank", rel: "noopener" },
          e.source_name || "source") : ""))));
  } catch (error) {
    showError(count, error);
  }
}

document.getElementById("event-filter").addEventListener("submit", (event) => {
  event.preventDefault();
  loadEvents();
});
loadRuns();
loadFeeds();
loadVolumes();
loadQuality();
loadQuarantine();
loadFilters().then(loadEvents);
