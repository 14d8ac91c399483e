// The alliance dashboard: every figure comes from the JSON API of this server (/api/...), which calls the same
// library functions as the command line. Plotly draws the charts; its map data is served locally
// (topojsonURL below), so the page makes no request beyond this server.
"use strict";

const PLOT_CONFIG = { responsive: true, displaylogo: false, topojsonURL: "/static/topojson/" };
const TARGETS = [2, 3.5, 5];
const TARGET_COLOURS = { 2: "#6e7781", 3.5: "#cf222e", 5: "#0b5cad" };
const FONT = { family: "system-ui, sans-serif", size: 14 };
const state = { editions: [], allies: {}, scenario: null, original: null, forecast: null, pending: null, timer: null };

const $ = (id) => document.getElementById(id);

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function fmt(value, digits = 2) {
  return value === null || value === undefined || Number.isNaN(value) ? "—" : Number(value).toFixed(digits);
}

function setStatus(id, text, kind = "") {
  const el = $(id);
  el.textContent = text;
  el.className = `status ${kind}`;
}

function fail(id, error) {
  const el = $(id);
  el.textContent = `Could not load: ${error.message}`;
  el.classList.add("error");
}

function table(columns, rows, rowClass) {
  const head = columns.map((c) => `<th scope="col">${esc(c.label)}</th>`).join("");
  const body = rows
    .map((r) => {
      const cells = columns.map((c) => {
        const v = c.value(r);
        return `<td class="${c.num ? "num" : ""} ${c.cls ? c.cls(r) : ""}">${c.html ? v : esc(v)}</td>`;
      });
      return `<tr class="${rowClass ? rowClass(r) : ""}">${cells.join("")}</tr>`;
    })
    .join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function layout(extra) {
  return Object.assign({ font: FONT, margin: { t: 64, r: 20, b: 60, l: 60 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff" }, extra);
}

// ---------------------------------------------------------------------------------------------------------------
// spending, editions, map
// ---------------------------------------------------------------------------------------------------------------
function currentYear() {
  const ed = state.editions.find((e) => String(e.edition) === $("edition").value);
  return ed ? ed.years[Number($("year").value)] : undefined;
}

function setYears() {
  const ed = state.editions.find((e) => String(e.edition) === $("edition").value);
  const slider = $("year");
  slider.max = String(ed.years.length - 1);
  slider.value = String(ed.years.length - 1);
  slider.setAttribute("aria-valuetext", String(ed.years[ed.years.length - 1]));
  $("year-out").textContent = ed.years[ed.years.length - 1];
}

async function loadSpending() {
  const edition = $("edition").value;
  const year = currentYear();
  $("year-out").textContent = year;
  $("year").setAttribute("aria-valuetext", String(year));
  try {
    const answers = await Promise.all(
      TARGETS.map((t) => api(`/api/spending?edition=${edition}&year=${year}&target=${t}`)),
    );
    const base = answers[0];
    const rows = base.rows.slice().sort((a, b) => b.pct_gdp - a.pct_gdp);
    const counts = answers.map((a) => `${a.meta.n_meeting} of ${a.meta.n_allies} at ${a.meta.target}%`).join(" · ");
    $("spending-counts").textContent = `${year}, NATO edition ${edition}: ${counts}`;
    const colour = rows.map((r) => (r.pct_gdp >= 5 ? "#0b5cad" : r.pct_gdp >= 3.5 ? "#cf222e" : r.pct_gdp >= 2 ? "#6e7781" : "#c9ced4"));
    const trace = {
      type: "bar", x: rows.map((r) => r.country), y: rows.map((r) => r.pct_gdp), marker: { color: colour },
      hovertemplate: "%{x}: %{y:.2f}% of GDP<extra></extra>", name: "% of GDP",
    };
    const lines = TARGETS.map((t) => ({
      type: "line", xref: "paper", x0: 0, x1: 1, y0: t, y1: t, line: { color: TARGET_COLOURS[t], dash: "dash", width: 1.5 },
    }));
    const labels = TARGETS.map((t) => ({ xref: "paper", x: 1, y: t, text: `${t}%`, showarrow: false, xanchor: "right", yanchor: "bottom", font: { color: TARGET_COLOURS[t] } }));
    await Plotly.react("spending-chart", [trace], layout({
      title: { text: `Defence expenditure, % of GDP — ${year}, NATO edition ${edition}` },
      yaxis: { title: { text: "% of GDP" }, rangemode: "tozero" }, xaxis: { tickangle: -45, automargin: true },
      shapes: lines, annotations: labels, showlegend: false,
    }), PLOT_CONFIG);
    $("spending-source").textContent = base.source;
    $("spending-note").textContent = [base.meta.coverage, base.meta.editions_note].filter(Boolean).join(" ");
  } catch (error) {
    fail("spending-counts", error);
  }
  await Promise.all([loadEditions(year), loadMap()]);
}

async function loadEditions(year) {
  try {
    const res = await api(`/api/spending/compare?year=${year}&target=2`);
    const eds = res.editions.map((e) => e.edition);
    const differ = res.allies.filter((a) => a.editions_agree === false);
    const answers = res.editions.map((e) => `edition ${e.edition}: ${e.answer}`).join("; ");
    const cols = [{ label: "ally", value: (r) => r.country }].concat(
      eds.flatMap((e) => [
        { label: `% of GDP, ed. ${e}`, value: (r) => fmt(r[`pct_gdp_ed${e}`]), num: true },
        { label: `at 2%, ed. ${e}`, value: (r) => (r[`meets_ed${e}`] === null ? "—" : r[`meets_ed${e}`] ? "yes" : "no") },
      ]),
    );
    const intro = `<p>Allies at 2% in ${res.meta.year}: ${esc(answers)}. ` +
      (eds.length < 2 ? "Only one embedded edition publishes this year." : `${differ.length} allies are on different sides of 2% in different editions:`) + "</p>";
    $("editions-table").innerHTML = intro + (differ.length ? table(cols, differ) : "") +
      res.notes.map((n) => `<p class="note">${esc(n)}</p>`).join("");
    $("editions-source").textContent = res.source;
  } catch (error) {
    $("editions-table").innerHTML = `<p class="note">${esc(error.message)}</p>`;
  }
}

async function loadMap() {
  const edition = $("edition").value;
  const year = currentYear();
  const measure = $("map-measure").value;
  try {
    let rows, z, title, scale;
    if (measure === "pct") {
      const res = await api(`/api/spending?edition=${edition}&year=${year}&target=2`);
      rows = res.rows; z = rows.map((r) => r.pct_gdp); title = "% of GDP"; scale = "YlOrRd";
      $("map-source").textContent = res.source;
    } else {
      const target = measure.slice(3);
      const res = await api(`/api/gaps?edition=${edition}&year=${year}&target=${target}`);
      rows = res.rows.filter((r) => r.iso3 !== "NATO_TOTAL"); z = rows.map((r) => r.gap_pct_gdp);
      title = `gap to ${target}%`; scale = "Blues";
      $("map-source").textContent = res.source;
    }
    const trace = {
      type: "choropleth", locationmode: "ISO-3", locations: rows.map((r) => r.iso3), z, colorscale: scale,
      text: rows.map((r) => r.country), hovertemplate: "%{text}: %{z:.2f}<extra></extra>",
      colorbar: { title: { text: title } }, marker: { line: { color: "#fff", width: 0.5 } },
    };
    await Plotly.react("map-chart", [trace], layout({
      title: { text: `${title} — ${year}, NATO edition ${edition}<br><sub>Iceland: no armed forces, in no NATO table</sub>` },
      geo: {
        scope: "world", resolution: 110, projection: { type: "natural earth" }, showcountries: true, countrycolor: "#bbb",
        showland: true, landcolor: "#f2f2f2", lonaxis: { range: [-130, 45] }, lataxis: { range: [22, 72] },
      },
      margin: { t: 64, r: 10, b: 10, l: 10 },
    }), PLOT_CONFIG);
  } catch (error) {
    $("map-source").textContent = `Could not load the map: ${error.message}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// burden shares, US share, claims
// ---------------------------------------------------------------------------------------------------------------
async function loadBurden() {
  const year = $("burden-year").value;
  const prices = $("burden-prices").value;
  try {
    const res = await api(`/api/shares?edition=2026&year=${year}&prices=${prices}`);
    const r = res.rows;
    const max = Math.max(...r.map((x) => Math.max(x.gdp_share_pct, x.spending_share_pct))) * 1.5;
    const min = Math.min(...r.map((x) => Math.min(x.gdp_share_pct, x.spending_share_pct))) / 1.5;
    const s = res.meta.summary;
    await Plotly.react("burden-chart", [
      { type: "scatter", mode: "lines", x: [min, max], y: [min, max], line: { color: "#999", dash: "dot" }, name: "share of spending = share of GDP", hoverinfo: "skip" },
      {
        type: "scatter", mode: "markers+text", x: r.map((x) => x.gdp_share_pct), y: r.map((x) => x.spending_share_pct),
        text: r.map((x) => x.iso3), textposition: "top center", textfont: { size: 11 }, marker: { size: 9, color: "#0b5cad" },
        customdata: r.map((x) => [x.country, x.share_ratio]), name: "allies",
        hovertemplate: "%{customdata[0]}: %{y:.2f}% of spending, %{x:.2f}% of GDP (ratio %{customdata[1]:.2f})<extra></extra>",
      },
    ], layout({
      title: { text: `Spending share vs GDP share, ${year}<br><sub>US: ${fmt(s.us_share_pct, 1)}% of allied spending</sub>` },
      xaxis: { type: "log", title: { text: "share of allied GDP, % (log)" } },
      yaxis: { type: "log", title: { text: "share of allied defence spending, % (log)" } },
      showlegend: false,
    }), PLOT_CONFIG);
    $("burden-source").textContent = res.source;
    const us = await api(`/api/shares/us-over-time?edition=2026&prices=${prices}`);
    await Plotly.react("us-chart", [
      { type: "scatter", mode: "lines+markers", x: us.rows.map((x) => x.year), y: us.rows.map((x) => x.us_share_pct), name: "US share of allied defence spending" },
      { type: "scatter", mode: "lines+markers", x: us.rows.map((x) => x.year), y: us.rows.map((x) => x.us_gdp_share_pct), name: "US share of allied GDP", line: { dash: "dash" } },
    ], layout({
      title: { text: `The US share over time (${prices} USD)` }, yaxis: { title: { text: "%" }, range: [0, 100] },
      legend: { orientation: "h", y: -0.2 },
    }), PLOT_CONFIG);
    $("us-source").textContent = us.source;
  } catch (error) {
    $("burden-source").textContent = `Could not load: ${error.message}`;
  }
}

async function loadClaims() {
  try {
    const res = await api("/api/claims");
    const c = res.meta.counts;
    $("claims-summary").textContent = `${c.supported} supported, ${c.partly} partly, ${c.contradicted} contradicted`;
    $("claims-table").innerHTML = table([
      { label: "claim", value: (r) => r.claim },
      { label: "verdict: observed (edition, year)", value: (r) => r.verdict_text, cls: (r) => `verdict-${r.verdict}` },
      { label: "source", value: (r) => r.source },
    ], res.claims);
    $("claims-source").textContent = res.source;
  } catch (error) {
    fail("claims-summary", error);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// negotiation: edit the inputs, forecast with every model
// ---------------------------------------------------------------------------------------------------------------
function issueOf(name) {
  return state.scenario.issues.find((i) => i.name === name);
}

function renderInputs() {
  const issue = issueOf($("scenario-issue").value);
  const scale = state.scenario.salience_scale || 1;
  $("issue-help").textContent = `${issue.title || issue.name}: positions from ${issue.low} to ${issue.high}` +
    (issue.reversion !== null && issue.reversion !== undefined ? ` (no agreement: ${issue.reversion})` : "") +
    `; salience 0-${scale}. Change a value and press Enter or leave the field: the forecast updates.`;
  const rows = state.scenario.actors.filter((a) => a.issues && a.issues[issue.name]);
  $("inputs-table").innerHTML = table([
    { label: "ally / actor", value: (a) => a.title || a.name },
    {
      label: "position", html: true,
      value: (a) => `<input type="number" id="pos-${esc(a.name)}" data-actor="${esc(a.name)}" data-field="position" step="any" min="${issue.low}" max="${issue.high}" value="${a.issues[issue.name].position}" aria-label="${esc(a.title || a.name)} position on ${esc(issue.name)}">`,
    },
    {
      label: "salience", html: true,
      value: (a) => `<input type="number" id="sal-${esc(a.name)}" data-actor="${esc(a.name)}" data-field="salience" step="any" min="0" max="${scale}" value="${a.issues[issue.name].salience}" aria-label="${esc(a.title || a.name)} salience on ${esc(issue.name)}">`,
    },
    { label: "evidence", value: (a) => a.issues[issue.name].evidence || "" },
  ], rows);
}

function onInput(event) {
  const el = event.target;
  if (!el.dataset || !el.dataset.actor) return;
  const value = Number(el.value);
  if (el.value === "" || !Number.isFinite(value)) {
    setStatus("scenario-status", `${el.getAttribute("aria-label")}: "${el.value}" is not a number`, "error");
    return;
  }
  const actor = state.scenario.actors.find((a) => a.name === el.dataset.actor);
  actor.issues[$("scenario-issue").value][el.dataset.field] = value;
  scheduleForecast();
}

function scheduleForecast() {
  clearTimeout(state.timer);
  state.timer = setTimeout(runForecast, 300);
}

async function runForecast() {
  if (state.pending) state.pending.abort();
  const controller = new AbortController();
  state.pending = controller;
  setStatus("scenario-status", "Forecasting with every model (the synthesis and EUM take a few seconds)…", "busy");
  const started = performance.now();
  try {
    const res = await api("/api/negotiate", {
      method: "POST", headers: { "content-type": "application/json" }, signal: controller.signal,
      body: JSON.stringify({ scenario: state.scenario }),
    });
    if (state.pending !== controller) return;
    state.forecast = res;
    renderForecast();
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    setStatus("scenario-status", `Forecast updated: ${res.meta.models.length} models in ${secs} s.`, "done");
  } catch (error) {
    if (error.name === "AbortError") return;
    setStatus("scenario-status", `Could not forecast: ${error.message}`, "error");
  } finally {
    if (state.pending === controller) state.pending = null;
  }
}

function renderForecast() {
  const res = state.forecast;
  if (!res) return;
  const models = res.meta.models;
  const issues = res.scenario.issues;
  const issue = issues.find((i) => i.name === $("scenario-issue").value) || issues[0];
  const points = models.map((m) => res.forecasts[m][issue.name]);
  const shapes = Object.entries(issue.formulations || {}).map(([, v]) => ({
    type: "line", x0: v, x1: v, yref: "paper", y0: 0, y1: 1, line: { color: "#bbb", dash: "dot", width: 1 },
  }));
  if (issue.reversion !== null && issue.reversion !== undefined) {
    shapes.push({ type: "line", x0: issue.reversion, x1: issue.reversion, yref: "paper", y0: 0, y1: 1, line: { color: "#cf222e", dash: "dash", width: 1 } });
  }
  Plotly.react("forecast-chart", [{
    type: "scatter", mode: "markers", y: models, x: points.map((p) => p.outcome),
    marker: { size: models.map((m) => (m === "synthesis" ? 16 : 10)), color: models.map((m) => (m === "synthesis" ? "#cf222e" : "#0b5cad")) },
    text: points.map((p) => p.formulation || "no named wording"), hovertemplate: "%{y}: %{x:.3g} — %{text}<extra></extra>",
  }], layout({
    title: { text: `${issue.name}: outcome per model<br><sub>dotted: named wordings; dashed red: no agreement</sub>` },
    xaxis: { range: [issue.low, issue.high], title: { text: "position on the issue's scale" } },
    yaxis: { automargin: true, autorange: "reversed" }, shapes, margin: { t: 64, r: 20, b: 60, l: 110 },
  }), PLOT_CONFIG);
  $("forecast-source").textContent = res.source;
  $("issue-reasons").innerHTML = table([
    { label: "model", value: (m) => m },
    { label: "outcome", value: (m) => (res.forecasts[m][issue.name].outcome === null ? "no agreement" : fmt(res.forecasts[m][issue.name].outcome, 2)), num: true },
    { label: "blockers", value: (m) => res.forecasts[m][issue.name].blockers.join(", ") || "none" },
    { label: "pivotal allies", value: (m) => res.forecasts[m][issue.name].pivotal.join(", ") || "none" },
  ], models, (m) => (m === "synthesis" ? "synthesis" : ""));
  const cols = [{ label: "model", value: (m) => m }].concat(issues.map((i) => ({
    label: i.title || i.name,
    value: (m) => {
      const f = res.forecasts[m][i.name];
      return f.outcome === null ? "no agreement" : `${fmt(f.outcome, 2)} — ${f.formulation || "no named wording"}`;
    },
  })));
  $("forecast-table").innerHTML = table(cols, models, (m) => (m === "synthesis" ? "synthesis" : ""));
}

async function loadScenario() {
  const name = $("scenario-name").value;
  setStatus("scenario-status", `Loading ${name}…`, "busy");
  try {
    state.original = await api(`/api/scenarios/${encodeURIComponent(name)}`);
    state.scenario = JSON.parse(JSON.stringify(state.original));
    $("scenario-issue").innerHTML = state.scenario.issues.map((i) => `<option value="${esc(i.name)}">${esc(i.title || i.name)}</option>`).join("");
    renderInputs();
    await runForecast();
  } catch (error) {
    setStatus("scenario-status", `Could not load the scenario: ${error.message}`, "error");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// simulation to 2035
// ---------------------------------------------------------------------------------------------------------------
async function loadSimulation() {
  const scenario = $("sim-scenario").value;
  setStatus("sim-status", `Simulating ${scenario}…`, "busy");
  try {
    const res = await api(`/api/simulate?scenario=${encodeURIComponent(scenario)}`);
    state.sim = res;
    if (!$("sim-ally").options.length) {
      const codes = [...new Set(res.projections.map((r) => r.iso3))];
      $("sim-ally").innerHTML = codes.map((c) => `<option value="${c}">${esc(state.allies[c] || c)}</option>`).join("");
      $("sim-ally").value = codes.includes("DEU") ? "DEU" : codes[0];
    }
    renderSimulation();
    $("sim-assumptions").innerHTML = res.assumptions.map((a) => `<li>${esc(a)}</li>`).join("");
    $("sim-source").textContent = res.source;
    setStatus("sim-status", `${res.title}`, "done");
  } catch (error) {
    setStatus("sim-status", `Could not simulate: ${error.message}`, "error");
  }
}

function band(x, lo, hi, mid, name, colour) {
  return [
    { type: "scatter", mode: "lines", x, y: hi, line: { width: 0 }, hoverinfo: "skip", showlegend: false },
    { type: "scatter", mode: "lines", x, y: lo, fill: "tonexty", fillcolor: colour + "33", line: { width: 0 }, name: "5-95% band", hoverinfo: "skip" },
    { type: "scatter", mode: "lines+markers", x, y: mid, line: { color: colour }, name },
  ];
}

function renderSimulation() {
  const res = state.sim;
  const iso = $("sim-ally").value;
  const rows = res.projections.filter((r) => r.iso3 === iso);
  const x = rows.map((r) => r.year);
  Plotly.react("sim-ally-chart", band(x, rows.map((r) => r.p05), rows.map((r) => r.p95), rows.map((r) => r.p50), "median", "#0b5cad"), layout({
    title: { text: `${state.allies[iso] || iso}: % of GDP to ${x[x.length - 1]}<br><sub>${res.meta.scenario}; dashed: 3.5%</sub>` },
    yaxis: { title: { text: "% of GDP" }, rangemode: "tozero" },
    shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 3.5, y1: 3.5, line: { color: "#cf222e", dash: "dash" } }],
    legend: { orientation: "h", y: -0.2 },
  }), PLOT_CONFIG);
  const s = res.summary;
  Plotly.react("sim-count-chart", band(s.map((r) => r.year), s.map((r) => r.meet_3_5_p05), s.map((r) => r.meet_3_5_p95), s.map((r) => r.meet_3_5_p50), "median", "#cf222e"), layout({
    title: { text: `Allies at 3.5% of GDP or more<br><sub>${res.meta.scenario}, ${res.meta.runs} runs</sub>` },
    yaxis: { title: { text: "allies" }, rangemode: "tozero" }, legend: { orientation: "h", y: -0.2 },
  }), PLOT_CONFIG);
}

// ---------------------------------------------------------------------------------------------------------------
// sweeps: a background job on the server, polled until done, then read from its store
// ---------------------------------------------------------------------------------------------------------------
async function startSweep() {
  const scenario = $("scenario-name").value;
  const runs = Number($("sweep-runs").value);
  try {
    const job = await api("/api/sweeps", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ scenario, runs }),
    });
    pollSweep(job.id);
  } catch (error) {
    setStatus("sweep-status", `Could not start the sweep: ${error.message}`, "error");
  }
}

async function pollSweep(id) {
  try {
    const job = await api(`/api/sweeps/${id}`);
    $("sweep-progress").max = job.total || 1;
    $("sweep-progress").value = job.done;
    if (job.status === "done") {
      setStatus("sweep-status", `Sweep ${id}: reading the results from its store…`, "busy");
      state.sweep = await api(job.results);
      const issues = Object.keys(state.sweep.synthesis);
      $("sweep-issue").innerHTML = issues.map((i) => `<option value="${esc(i)}">${esc(i)}</option>`).join("");
      renderSweep();
      setStatus("sweep-status", `Sweep ${id} done: ${job.total} runs of ${job.params.scenario} in ${job.elapsed_s} s.`, "done");
    } else if (job.status === "running" || job.status === "queued") {
      setStatus("sweep-status", `Sweep ${id}: ${job.done} of ${job.total} runs…`, "busy");
      setTimeout(() => pollSweep(id), 1000);
    } else {
      setStatus("sweep-status", `Sweep ${id} ${job.status}${job.error ? ": " + job.error : ""}`, "error");
    }
  } catch (error) {
    setStatus("sweep-status", `Could not follow the sweep: ${error.message}`, "error");
  }
}

function renderSweep() {
  const res = state.sweep;
  if (!res) return;
  const issue = $("sweep-issue").value;
  const models = Object.keys(res.models).filter((m) => res.models[m][issue]);
  const wordings = [...new Set(models.flatMap((m) => Object.keys(res.models[m][issue].p_formulation)))];
  Plotly.react("sweep-wording-chart", wordings.map((w) => ({
    type: "bar", orientation: "h", name: w.length > 48 ? `${w.slice(0, 46)}…` : w, y: models,
    x: models.map((m) => res.models[m][issue].p_formulation[w] || 0),
    hovertemplate: `${esc(w)}: %{x:.2f}<extra>%{y}</extra>`,
  })), layout({
    barmode: "stack", title: { text: `${issue}: probability of each wording<br><sub>share of runs, per model</sub>` },
    xaxis: { range: [0, 1], title: { text: "probability" } }, yaxis: { automargin: true, autorange: "reversed" },
    legend: { orientation: "h", y: -0.25, font: { size: 12 } }, margin: { t: 64, r: 20, b: 120, l: 110 },
  }), PLOT_CONFIG);
  const q = models.map((m) => res.models[m][issue].quantiles);
  const span = (lo, hi) => ({ x: q.flatMap((v) => [v[lo], v[hi], null]), y: models.flatMap((m) => [m, m, null]) });
  Plotly.react("sweep-outcome-chart", [
    { type: "scatter", mode: "lines", ...span("p05", "p95"), line: { color: "#0b5cad", width: 2 }, name: "5-95% of runs", hoverinfo: "skip" },
    { type: "scatter", mode: "lines", ...span("p25", "p75"), line: { color: "#0b5cad", width: 9 }, name: "25-75%", hoverinfo: "skip" },
    {
      type: "scatter", mode: "markers", x: q.map((v) => v.p50), y: models, name: "median",
      marker: { color: "#cf222e", size: 11, symbol: "line-ns-open", line: { width: 3 } },
      hovertemplate: "%{y}: median %{x:.3g}<extra></extra>",
    },
  ], layout({
    title: { text: `${issue}: outcome distribution<br><sub>thin: 5-95%, thick: 25-75% of the runs with an outcome; red: median</sub>` },
    yaxis: { automargin: true, autorange: "reversed", type: "category" }, legend: { orientation: "h", y: -0.2 },
    margin: { t: 64, r: 20, b: 60, l: 110 },
  }), PLOT_CONFIG);
  $("sweep-source").textContent = res.source;
  const rows = Object.entries(res.synthesis).map(([name, s]) => ({ name, ...s }));
  $("sweep-synthesis").innerHTML = table([
    { label: "issue", value: (r) => r.name },
    { label: "most likely wording", value: (r) => r.most_likely },
    { label: "probability", value: (r) => fmt(r.p, 2), num: true },
    { label: "models agree", value: (r) => (r.models_agree ? "yes" : "no") },
    { label: "split", value: (r) => r.split },
  ], rows);
}

async function resumeSweeps() {
  try {
    const res = await api("/api/sweeps");
    const job = res.jobs.find((j) => j.status === "done") || res.jobs.find((j) => j.status === "running");
    if (job) pollSweep(job.id);
  } catch (error) {
    setStatus("sweep-status", `Sweeps are not available: ${error.message}`, "error");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// start
// ---------------------------------------------------------------------------------------------------------------
async function start() {
  try {
    const [eds, allies, scenarios, sims] = await Promise.all([
      api("/api/editions"), api("/api/allies"), api("/api/scenarios"), api("/api/simulate/scenarios"),
    ]);
    state.editions = eds.rows;
    allies.rows.forEach((a) => { state.allies[a.iso3] = a.name; });
    $("edition").innerHTML = eds.rows.map((e) => `<option value="${e.edition}">${e.edition} — ${esc(e.published)}</option>`).join("");
    $("edition").value = String(eds.meta.latest);
    setYears();
    const latest = eds.rows.find((e) => e.edition === 2026);
    $("burden-year").innerHTML = latest.years.map((y) => `<option>${y}</option>`).join("");
    $("burden-year").value = String(latest.years[latest.years.length - 2]);
    $("scenario-name").innerHTML = scenarios.rows.map((s) => `<option value="${esc(s.name)}">${esc(s.name)} — ${esc(s.title)}</option>`).join("");
    $("sim-scenario").innerHTML = sims.rows.map((s) => `<option value="${esc(s.name)}">${esc(s.name)}</option>`).join("");
  } catch (error) {
    fail("spending-counts", error);
    return;
  }
  $("edition").addEventListener("change", () => { setYears(); loadSpending(); });
  $("year").addEventListener("input", () => { $("year-out").textContent = currentYear(); });
  $("year").addEventListener("change", loadSpending);
  $("map-measure").addEventListener("change", loadMap);
  $("burden-year").addEventListener("change", loadBurden);
  $("burden-prices").addEventListener("change", loadBurden);
  $("scenario-name").addEventListener("change", loadScenario);
  $("scenario-issue").addEventListener("change", () => { renderInputs(); renderForecast(); });
  $("inputs-table").addEventListener("change", onInput);
  $("scenario-reset").addEventListener("click", () => {
    state.scenario = JSON.parse(JSON.stringify(state.original));
    renderInputs();
    runForecast();
  });
  $("scenario-run").addEventListener("click", runForecast);
  $("sim-scenario").addEventListener("change", loadSimulation);
  $("sim-ally").addEventListener("change", renderSimulation);
  $("sweep-start").addEventListener("click", startSweep);
  $("sweep-issue").addEventListener("change", renderSweep);
  resumeSweeps();
  await Promise.all([loadSpending(), loadBurden(), loadClaims(), loadScenario(), loadSimulation()]);
  document.body.dataset.ready = "true";
}

start();
