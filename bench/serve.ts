/**
 * `npm run bench -- serve --checkpoint FILE [--rounds 5] [--steps T] [--gap MS]`: the latency of `maskdiff serve` from a
 * sampling request to its first streamed step (the spare worker loads the checkpoint and runs step 0), and to the
 * finished sample; median and every round. One sample at the checkpoint's trained length, T = that length by default.
 * Requests are --gap ms apart (default 3000, time for the spare worker to start): --gap 0 measures back-to-back
 * requests, which find their worker still starting.
 */
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { buildServer } from "../src/serve/server.js";
import { median } from "./train-step.js";

/** Milliseconds from the POST to the first step event and to the done event. */
async function oneRequest(url: string, body: unknown): Promise<{ firstStep: number; worker: number; done: number }> {
  const t0 = performance.now();
  const r = await fetch(`${url}api/sample`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(`sampling request answered ${r.status}: ${await r.text()}`);
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let firstStep = NaN;
  let worker = NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stream ended before its done event");
    buffer += value;
    for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
      const m = JSON.parse(buffer.slice(6, cut)) as { type: string; workerMs?: number };
      buffer = buffer.slice(cut + 2);
      if (m.type === "start") worker = m.workerMs!;
      if (m.type === "step" && Number.isNaN(firstStep)) firstStep = performance.now() - t0;
      if (m.type === "done") return { firstStep, worker, done: performance.now() - t0 };
    }
  }
}

/** Runs the serve benchmark with CLI-style arguments. */
export async function benchServe(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { checkpoint: { type: "string", default: "runs/quickstart/ckpt-00001500.safetensors" }, rounds: { type: "string", default: "5" }, steps: { type: "string" }, gap: { type: "string", default: "3000" }, json: { type: "boolean", default: false } },
  });
  const app = buildServer({ checkpoints: dirname(values.checkpoint), runs: null, jobs: 1, queue: 0 });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const a = app.server.address();
  const url = `http://127.0.0.1:${typeof a === "object" && a !== null ? a.port : 0}/`;
  const body = { checkpoint: basename(values.checkpoint), n: 1, seed: 0, ...(values.steps === undefined ? {} : { steps: Number(values.steps) }) };
  try {
    const rounds = Array.from({ length: Number(values.rounds) }, () => 0);
    const rows: { firstStep: number; worker: number; done: number }[] = [];
    for (const _ of rounds) {
      await new Promise((done) => setTimeout(done, Number(values.gap)));
      rows.push(await oneRequest(url, body));
    }
    const out = { checkpoint: values.checkpoint, rounds: rows.length, gapMs: Number(values.gap), firstStepMs: median(rows.map((r) => r.firstStep)), workerMs: median(rows.map((r) => r.worker)), doneMs: median(rows.map((r) => r.done)), all: rows };
    if (values.json) console.log(JSON.stringify(out));
    else {
      console.log(`serve: ${values.checkpoint}, ${rows.length} requests, each ${values.gap} ms after the last one ended`);
      console.log(`  request -> first streamed step: median ${out.firstStepMs.toFixed(0)} ms (${rows.map((r) => r.firstStep.toFixed(0)).join(", ")})`);
      console.log(`  of which in the worker from the job's arrival (checkpoint, checks, step 0): median ${out.workerMs.toFixed(0)} ms`);
      console.log(`  request -> finished sample:     median ${out.doneMs.toFixed(0)} ms (${rows.map((r) => r.done.toFixed(0)).join(", ")})`);
    }
  } finally {
    await app.close();
  }
}
