// The sampling page: builds the form from /api/checkpoints, streams POST /api/sample (server-sent events) and draws
// every step; the scrubber replays the recorded events up to any step.
"use strict";

const $ = (id) => document.getElementById(id);
let checkpoints = [];
let controller = null;
let run = null; // { start, events: [call|step messages], done }

/** The text a cell shows: visible whitespace, a glyph for masked and partial cells. */
function shown(kind, text) {
  if (kind === "masked") return "▒";
  if (kind === "partial") return "◐";
  return text.replace(/\n/g, "↵").replace(/ /g, "·").replace(/\t/g, "⇥");
}

function setStatus(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "status error" : "status";
}

async function loadCheckpoints() {
  const r = await fetch("api/checkpoints");
  const body = await r.json();
  checkpoints = body.checkpoints.filter((c) => !c.error);
  $("n").max = body.maxSamples;
  $("checkpoint").replaceChildren(...checkpoints.map((c) => new Option(c.path, c.path)));
  if (checkpoints.length === 0) setStatus("no checkpoints below --checkpoints", true);
  showCheckpoint();
}

function currentCheckpoint() {
  return checkpoints.find((c) => c.path === $("checkpoint").value);
}

function showCheckpoint() {
  const c = currentCheckpoint();
  if (!c) return;
  $("checkpoint-info").textContent = `${c.method} on ${c.data}, L = ${c.seqLen}, step ${c.step}`;
  $("sampler").replaceChildren(...c.samplers.map((s) => new Option(s.name, s.name)));
  $("sampler").title = c.samplerLimits ?? "";
  showSamplerOptions();
}

/** One input per option of the chosen sampler; empty (or unchanged) inputs leave the sampler's default. */
function showSamplerOptions() {
  const c = currentCheckpoint();
  const s = c?.samplers.find((x) => x.name === $("sampler").value);
  const inputs = (s?.options ?? []).map((o) => {
    const label = document.createElement("label");
    label.append(o.key + " ");
    let input;
    if (Array.isArray(o.kind)) {
      input = document.createElement("select");
      for (const v of o.kind) input.append(new Option(v, v, false, v === o.def));
    } else if (o.kind === "boolean") {
      input = document.createElement("select");
      for (const v of ["true", "false"]) input.append(new Option(v, v, false, v === String(o.def)));
    } else {
      input = document.createElement("input");
      input.type = "number";
      input.step = o.kind === "integer" ? "1" : "any";
      input.placeholder = String(o.def);
    }
    input.dataset.key = o.key;
    input.dataset.kind = Array.isArray(o.kind) ? "word" : o.kind;
    input.dataset.def = String(o.def);
    input.className = "sampler-option";
    label.append(input);
    return label;
  });
  $("sampler-options").replaceChildren(...inputs);
}

/** The request body from the form (numbers as numbers; empty optional fields left out). */
function requestBody() {
  const body = { checkpoint: $("checkpoint").value, sampler: $("sampler").value, options: {} };
  for (const input of document.querySelectorAll(".sampler-option")) {
    const v = input.value.trim();
    if (v === "" || v === input.dataset.def) continue;
    const kind = input.dataset.kind;
    body.options[input.dataset.key] = kind === "number" || kind === "integer" ? Number(v) : kind === "boolean" ? v === "true" : v;
  }
  const num = (id) => ($(id).value.trim() === "" ? undefined : Number($(id).value));
  Object.assign(body, { steps: num("steps"), seed: num("seed"), n: num("n"), length: num("length"), topP: num("topP") });
  body.topPVariant = $("topPVariant").value;
  body.decode = $("decode").value;
  body.latent = $("latent").value;
  if ($("grid").value) body.grid = $("grid").value;
  if ($("infill").checked) body.template = $("template").value;
  return body;
}

/** Lays out one row of cells per sequence. */
function layout(start) {
  const rows = [];
  for (let b = 0; b < start.batch; b++) {
    const row = document.createElement("div");
    row.className = "sequence";
    row.innerHTML = `<div>sample ${b + 1}</div><div class="cells"></div><pre class="final" hidden></pre><div class="nll"></div>`;
    row.id = `sample-${b}`;
    const cells = row.querySelector(".cells");
    for (let i = 0; i < start.cellsPerSequence; i++) {
      const span = document.createElement("span");
      span.className = "cell masked";
      span.textContent = shown("masked", "");
      cells.append(span);
    }
    rows.push(row);
  }
  $("sequences").replaceChildren(...rows);
  $("step-total").textContent = String(start.steps);
}

function cellSpan(index) {
  const per = run.start.cellsPerSequence;
  return $(`sample-${Math.floor(index / per)}`)?.querySelector(".cells").children[index % per];
}

/** Cell states after the first `count` events: index -> [kind, text], and the highlight of the last step's cells. */
function replay(count) {
  const state = new Map();
  const marks = new Map();
  let step = -1; // the last step of the current loop call (-1: none yet)
  let nfe = 0;
  for (let e = 0; e < count; e++) {
    const ev = run.events[e];
    const last = e === count - 1;
    if (ev.type === "call") {
      for (const [i, kind, text] of ev.cells) state.set(i, [kind, text]);
      step = -1;
      continue;
    }
    nfe++;
    step = ev.step;
    for (const [i, kind, text] of ev.cells) {
      const before = state.get(i)?.[0] ?? "masked";
      state.set(i, [kind, text]);
      if (last) marks.set(i, kind === "partial" ? "partial" : kind === "masked" ? (before === "masked" ? "masked" : "remasked") : "revealed");
    }
  }
  return { state, marks, step, nfe };
}

/** Draws the view after the first `count` events. */
function draw(count) {
  const { state, marks, step, nfe } = replay(count);
  for (let i = 0; i < run.start.batch * run.start.cellsPerSequence; i++) {
    const [kind, text] = state.get(i) ?? ["masked", ""];
    const span = cellSpan(i);
    span.className = `cell ${marks.get(i) ?? kind}`;
    span.textContent = shown(kind, text);
    span.title = kind === "partial" ? `digits ${text}` : "";
  }
  $("step-count").textContent = String(Math.min(step + 1, run.start.steps)); // the final fill (step T) adds no step
  $("nfe").textContent = String(nfe);
  $("scrub-label").textContent = `${count} / ${run.events.length} events`;
}

/** Shows the finished samples (the text assembled from the cells), counters and oracle NLL. */
function finish(done) {
  const { state } = replay(run.events.length);
  const per = run.start.cellsPerSequence;
  for (let b = 0; b < run.start.batch; b++) {
    const row = $(`sample-${b}`);
    const text = Array.from({ length: per }, (_, i) => state.get(b * per + i)?.[1] ?? "").join("");
    const pre = row.querySelector("pre.final");
    pre.textContent = text;
    pre.hidden = false;
    if (done.oracleNll) row.querySelector(".nll").textContent = `oracle NLL ${done.oracleNll[b].toFixed(4)} nats per token`;
  }
  $("nfe").textContent = String(done.stats.nfe);
  $("nfe-non-cached").textContent = String(done.stats.nfeNonCached);
  $("view").dataset.done = "true";
  setStatus(`done in ${done.seconds.toFixed(2)} s of sampling; ${done.stats.idleSteps} idle steps`);
}

function onMessage(m, t0) {
  if (m.type === "start") {
    run = { start: m, events: [], done: null };
    $("view").hidden = false;
    $("first-step-ms").textContent = "–";
    layout(m);
    setStatus(`sampling with ${m.sampler}…`);
    return;
  }
  if (m.type === "error") return setStatus(m.message, true);
  if (m.type === "done") return finish(m);
  if (m.type === "step" && $("first-step-ms").textContent === "–") $("first-step-ms").textContent = String(Math.round(performance.now() - t0));
  run.events.push(m);
  const scrub = $("scrubber");
  const following = Number(scrub.value) === Number(scrub.max);
  scrub.max = String(run.events.length);
  if (following) scrub.value = scrub.max;
  draw(Number(scrub.value));
}

async function sample(ev) {
  ev.preventDefault();
  controller?.abort();
  controller = new AbortController();
  $("view").dataset.done = "false";
  $("scrubber").disabled = true;
  $("cancel").disabled = false;
  $("nfe-non-cached").textContent = "–";
  setStatus("waiting for the model…");
  const t0 = performance.now();
  try {
    const r = await fetch("api/sample", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(requestBody()), signal: controller.signal });
    if (!r.ok) {
      const body = await r.json().catch(() => ({ error: r.statusText }));
      return setStatus(`${r.status}: ${body.error}`, true);
    }
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const chunk = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (chunk.startsWith("data: ")) onMessage(JSON.parse(chunk.slice(6)), t0);
      }
    }
  } catch (e) {
    if (e.name === "AbortError") setStatus("cancelled");
    else setStatus(String(e), true);
  } finally {
    $("cancel").disabled = true;
    $("scrubber").disabled = run === null;
  }
}

$("form").addEventListener("submit", sample);
$("cancel").addEventListener("click", () => controller?.abort());
$("checkpoint").addEventListener("change", showCheckpoint);
$("sampler").addEventListener("change", showSamplerOptions);
$("infill").addEventListener("change", () => ($("template").disabled = !$("infill").checked));
$("scrubber").addEventListener("input", () => run && draw(Number($("scrubber").value)));
loadCheckpoints().catch((e) => setStatus(String(e), true));
