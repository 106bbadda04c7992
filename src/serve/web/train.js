// The training page: polls the chosen run's records and its figure (Vega-Lite, rendered to SVG by the server).
"use strict";

const $ = (id) => document.getElementById(id);
const EVERY_MS = 2000;
let shownRows = -1;

function setStatus(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "status error" : "status";
}

/** Config rows: dotted key paths and their values. */
function flatten(obj, prefix = "") {
  return Object.entries(obj).flatMap(([k, v]) => (v !== null && typeof v === "object" && !Array.isArray(v) ? flatten(v, `${prefix}${k}.`) : [[prefix + k, JSON.stringify(v)]]));
}

async function refresh() {
  const name = $("run").value;
  if (!name) return;
  const q = `run=${encodeURIComponent(name)}`;
  const r = await fetch(`api/run?${q}`);
  const body = await r.json();
  if (!r.ok) return setStatus(`${r.status}: ${body.error}`, true);
  const train = body.records.filter((x) => typeof x.loss === "number");
  const valid = body.records.filter((x) => x.valid);
  $("train-rows").textContent = String(train.length);
  $("valid-rows").textContent = String(valid.length);
  $("last-step").textContent = String(body.records.at(-1)?.step ?? "–");
  $("config-source").textContent = body.checkpoint ? `(from ${body.checkpoint})` : "(no checkpoint yet)";
  $("config").replaceChildren(...(body.config ? flatten(body.config) : []).map(([k, v]) => {
    const tr = document.createElement("tr");
    tr.innerHTML = "<td></td><td></td>";
    tr.children[0].textContent = k;
    tr.children[1].textContent = v;
    return tr;
  }));
  if (body.records.length !== shownRows) {
    const svg = await (await fetch(`api/run/plot.svg?${q}`)).text();
    $("plots").innerHTML = svg;
    $("plots").dataset.rows = String(body.records.length);
    shownRows = body.records.length;
  }
  setStatus(`updated ${new Date().toLocaleTimeString()}`);
}

async function start() {
  $("every").textContent = String(EVERY_MS / 1000);
  const { runs } = await (await fetch("api/runs")).json();
  $("run").replaceChildren(...runs.map((r) => new Option(r, r)));
  if (runs.length === 0) setStatus("no runs: start the server with --runs DIR (folders holding a log.jsonl)", true);
  $("run").addEventListener("change", () => {
    shownRows = -1;
    refresh();
  });
  await refresh();
  setInterval(() => refresh().catch((e) => setStatus(String(e), true)), EVERY_MS);
}

start().catch((e) => setStatus(String(e), true));
