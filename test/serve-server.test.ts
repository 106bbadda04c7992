// `maskdiff serve`'s HTTP API in this process: sampling streams that rebuild exactly what `maskdiff sample` prints for
// every method, 4xx answers naming the field, no path escapes (.., absolute paths, symbolic links), a client that
// disconnects kills its worker, and a full queue answers 429.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { after, before, test } from "node:test";
import { spawn } from "node:child_process";
import { okJson, REPO_ROOT, runCli, userError } from "./helpers/cli.js";
import { postSample, readEvents, replayEvents, startServer, tinyCheckpoint } from "./helpers/serve.js";
import type { FastifyInstance } from "fastify";
import { loadModel } from "../src/api/load-model.js";
import { templateTokens } from "../src/api/template.js";
import { dataOptions } from "../src/train/config-dataset.js";
import { datasetFromName } from "../src/data/index.js";
import { hmmOracleOf } from "../src/data/hmm-dataset.js";

let root = "";
let ckRoot = "";
let outside = "";
const ckpts: Record<string, string> = {};
let server: { app: FastifyInstance; url: string };

const methods: Record<string, Record<string, unknown>> = {
  md4: { name: "md4" },
  genmd4: { name: "genmd4" },
  prime: { name: "prime", ell: 2 },
  vmd: { name: "vmd", latentDim: 2, encoder: { d: 8, layers: 1, heads: 2 } },
  bd3: { name: "bd3", block: 4 },
};

before(async () => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-serve-"));
  ckRoot = join(root, "served");
  mkdirSync(ckRoot);
  for (const [name, method] of Object.entries(methods)) ckpts[name] = tinyCheckpoint(ckRoot, name, method);
  outside = join(root, "outside");
  mkdirSync(outside);
  copyFileSync(ckpts.md4!, join(outside, "secret.safetensors"));
  symlinkSync(join(outside, "secret.safetensors"), join(ckRoot, "link.safetensors"));
  symlinkSync(outside, join(ckRoot, "linkdir"));
  writeFileSync(join(outside, "log.jsonl"), '{"step":1,"loss":1}\n');
  server = await startServer({ checkpoints: ckRoot, runs: ckRoot, jobs: 1, queue: 0 });
});

after(async () => {
  await server?.app.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const rel = (p: string): string => relative(ckRoot, p);

/** Polls GET /api/jobs until `ok` holds (or fails after 10 s). */
async function jobsUntil(ok: (j: { running: number; waiting: number; pids: number[] }) => boolean): Promise<{ running: number; waiting: number; pids: number[] }> {
  for (let i = 0; i < 200; i++) {
    const j = (await (await fetch(`${server.url}api/jobs`)).json()) as { running: number; waiting: number; pids: number[] };
    if (ok(j)) return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("jobs never reached the expected state");
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("every method: the streamed steps rebuild the samples `maskdiff sample` prints for the same seed", async () => {
  for (const name of Object.keys(methods)) {
    const r = await postSample(server.url, { checkpoint: rel(ckpts[name]!), n: 2, seed: 5, steps: 8 });
    assert.equal(r.status, 200, name);
    assert.match(r.headers.get("content-type") ?? "", /^text\/event-stream/);
    const events = await readEvents(r);
    const done = events.at(-1)!;
    assert.equal(done.type, "done", name);
    if (done.type !== "done") continue;
    const cli = okJson(runCli(["sample", "--checkpoint", ckpts[name]!, "--n", "2", "--seed", "5", "--steps", "8", "--json"]));
    assert.deepEqual(done.samples, cli.samples, name);
    assert.deepEqual(done.stats, cli.stats, name);
    const { texts, kinds } = replayEvents(events);
    assert.deepEqual(texts, cli.samples, `${name}: the cells of the step events`);
    // one step event per logical NFE: T per loop call, plus a final fill where one was needed
    assert.equal(events.filter((m) => m.type === "step").length, cli.stats.nfe, name);
    if (name === "prime") assert.ok(kinds.has("partial"), "prime (ℓ = 2): some token shows one digit of two");
    else assert.ok(!kinds.has("partial"), name);
    if (name === "bd3") assert.equal(events.filter((m) => m.type === "call").length, 2 * 4, "bd3: one loop call per block of 4, 16 tokens, 2 sequences");
  }
});

test("remasking samplers stream remasks; options and templates are the CLI's", async () => {
  const r = await postSample(server.url, { checkpoint: rel(ckpts.md4!), n: 2, seed: 1, steps: 32, sampler: "remdm-cap", options: { eta_cap: 0.5 } });
  const events = await readEvents(r);
  const cli = okJson(runCli(["sample", "--checkpoint", ckpts.md4!, "--n", "2", "--seed", "1", "--steps", "32", "--sampler", "remdm-cap", "--eta-cap", "0.5", "--json"]));
  assert.deepEqual(replayEvents(events).texts, cli.samples);
  assert.ok(events.some((m) => m.type === "step" && m.step > 0 && m.cells.some(([, kind]) => kind === "masked")), "some step remasks a token");
  const t = await postSample(server.url, { checkpoint: rel(ckpts.md4!), seed: 2, template: "ab______________" });
  const te = await readEvents(t);
  const call = te.find((m) => m.type === "call");
  assert.ok(call?.type === "call" && call.cells[0]![1] === "visible" && call.cells[2]![1] === "masked", "given positions start visible");
  const tc = okJson(runCli(["sample", "--checkpoint", ckpts.md4!, "--n", "1", "--seed", "2", "--template", "ab______________", "--json"]));
  assert.deepEqual(replayEvents(te).texts, tc.samples);
  assert.match(tc.samples[0], /^ab/);
});

test("bad requests: 400 with a message naming the field", async () => {
  const ck = rel(ckpts.md4!);
  const cases: [unknown, RegExp][] = [
    [{}, /^checkpoint: /],
    [{ checkpoint: ck, steps: 0 }, /^steps: /],
    [{ checkpoint: ck, steps: "4" }, /^steps: .*number/],
    [{ checkpoint: ck, steps: 2.5 }, /^steps: /],
    [{ checkpoint: ck, n: 1000 }, /^n: /],
    [{ checkpoint: ck, seed: -1 }, /^seed: the seed must be an integer/],
    [{ checkpoint: ck, topP: 0 }, /^topP: /],
    [{ checkpoint: ck, grid: "log" }, /^grid: /],
    [{ checkpoint: ck, sampler: "nope" }, /^sampler: .*unknown sampler 'nope'/],
    [{ checkpoint: ck, sampler: "remdm-cap", options: { eta_cap: 2 } }, /^sampler\.options: .*eta_cap must be in \[0, 1\]/],
    [{ checkpoint: ck, sampler: "ancestral", options: { eta: 0.1 } }, /^sampler\.options: .*takes no option 'eta'/],
    [{ checkpoint: ck, colour: "red" }, /colour/],
    [{ checkpoint: ck, template: "ab#" }, /--template: character "#" at position 2/],
    [{ checkpoint: rel(ckpts.bd3!), template: "a#__" }, /--template: character "#" at position 1/],
    [{ checkpoint: ck, steps: 2, length: 16, sampler: "block-ancestral", options: { block: 4 } }, /block-ancestral/],
    [{ checkpoint: rel(ckpts.bd3!), sampler: "block-ancestral" }, /sampler 'block-ancestral' does not work with this model's method/],
    [{ checkpoint: rel(ckpts.prime!), sampler: "confidence-prob" }, /sampler 'confidence-prob' does not work with this model's method/],
  ];
  for (const [body, pattern] of cases) {
    const r = await postSample(server.url, body);
    const text = await r.text();
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.status} ${text}`);
    assert.match(JSON.parse(text).error, pattern, JSON.stringify(body));
  }
  const bad = await fetch(`${server.url}api/sample`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /JSON/);
  const noRun = await fetch(`${server.url}api/run`);
  assert.equal(noRun.status, 400);
  assert.match(((await noRun.json()) as { error: string }).error, /^run: /);
  assert.equal((await jobsUntil((j) => j.running === 0)).pids.length, 0, "refused requests leave no worker");
});

test("no path escapes: .., absolute paths and symbolic links out of the served folders are refused", async () => {
  const escapes: [string, number][] = [
    [`../outside/secret.safetensors`, 403],
    [`md4/../../outside/secret.safetensors`, 403],
    [join(outside, "secret.safetensors"), 403],
    [ckpts.md4!, 403], // absolute, even inside
    ["link.safetensors", 403],
    ["linkdir/secret.safetensors", 403],
    ["md4/missing.safetensors", 404],
  ];
  for (const [checkpoint, status] of escapes) {
    const r = await postSample(server.url, { checkpoint });
    assert.equal(r.status, status, `${checkpoint}: ${await r.text()}`);
  }
  const list = (await (await fetch(`${server.url}api/checkpoints`)).json()) as { checkpoints: { path: string; method: string; samplers: { name: string }[] }[] };
  for (const c of list.checkpoints) {
    const { method, meta } = await loadModel(join(ckRoot, c.path));
    assert.deepEqual(c.samplers.map((x) => x.name), method.samplers(meta.config), `${c.method}: the page offers the method's samplers`);
  }
  assert.deepEqual(list.checkpoints.map((c) => c.path).sort(), Object.values(ckpts).map(rel).sort(), "the listing holds no linked-in file");
  const runs = (await (await fetch(`${server.url}api/runs`)).json()) as { runs: string[] };
  assert.deepEqual(runs.runs.sort(), Object.keys(methods).sort());
  for (const run of ["..", "../outside", "linkdir", outside]) {
    const r = await fetch(`${server.url}api/run?run=${encodeURIComponent(run)}`);
    assert.equal(r.status, 403, run);
  }
  const ok = await fetch(`${server.url}api/run?run=md4`);
  assert.equal(ok.status, 200);
  for (const p of ["../package.json", "%2e%2e/%2e%2e/%2e%2e/package.json", "..%2f..%2f..%2fpackage.json"]) {
    const r = await fetch(`${server.url}${p}`);
    assert.notEqual(r.status, 200, p);
  }
  assert.equal(basename(dirname(ckpts.md4!)), "md4");
});

test("a client that disconnects mid-generation kills its worker; a full queue answers 429", async () => {
  const long = { checkpoint: rel(ckpts.md4!), steps: 500_000, seed: 0 };
  const ac = new AbortController();
  const r = await postSample(server.url, long, ac.signal);
  assert.equal(r.status, 200);
  await readEvents(r, (m) => m.type === "step");
  const { pids } = await jobsUntil((j) => j.running === 1);
  assert.equal(pids.length, 1);
  assert.ok(alive(pids[0]!));
  const full = await postSample(server.url, long);
  assert.equal(full.status, 429);
  assert.match(((await full.json()) as { error: string }).error, /queue is full/);
  ac.abort();
  await jobsUntil((j) => j.running === 0 && j.pids.length === 0);
  for (let i = 0; i < 100 && alive(pids[0]!); i++) await new Promise((res) => setTimeout(res, 50));
  assert.ok(!alive(pids[0]!), "the worker process is gone");
  const again = await postSample(server.url, { checkpoint: rel(ckpts.md4!), steps: 2 });
  assert.equal(again.status, 200, "the freed place takes a new job");
  assert.equal((await readEvents(again)).at(-1)?.type, "done");
});

test("a queued job waits for the running one and starts when it is cancelled", async () => {
  const queued = await startServer({ checkpoints: ckRoot, runs: null, jobs: 1, queue: 1 });
  try {
    const ac = new AbortController();
    const a = await postSample(queued.url, { checkpoint: rel(ckpts.md4!), steps: 500_000 }, ac.signal);
    await readEvents(a, (m) => m.type === "step");
    let answered = false;
    const b = postSample(queued.url, { checkpoint: rel(ckpts.md4!), steps: 3, seed: 4 }).then((r) => ((answered = true), r));
    const jobs = async () => (await (await fetch(`${queued.url}api/jobs`)).json()) as { running: number; waiting: number };
    for (let i = 0; i < 100 && (await jobs()).waiting === 0; i++) await new Promise((res) => setTimeout(res, 50));
    const j = await jobs();
    assert.equal(j.running, 1);
    assert.equal(j.waiting, 1);
    assert.equal((await postSample(queued.url, { checkpoint: rel(ckpts.md4!) })).status, 429, "one running, one waiting: full");
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(answered, false, "the queued job has not started");
    ac.abort();
    const rb = await b;
    assert.equal(rb.status, 200);
    const done = (await readEvents(rb)).at(-1);
    const cli = okJson(runCli(["sample", "--checkpoint", ckpts.md4!, "--n", "1", "--seed", "4", "--steps", "3", "--json"]));
    assert.ok(done?.type === "done");
    assert.deepEqual(done.samples, cli.samples);
  } finally {
    await queued.app.close();
  }
});

test("the serve command: binds 127.0.0.1 by default, prints its URL, stops on SIGTERM; a bad folder is one user error", async () => {
  const child = spawn(process.execPath, ["bin/maskdiff.js", "serve", "--checkpoints", ckRoot, "--port", "0"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /maskdiff serve: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code} before printing its URL`)));
  });
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const list = (await (await fetch(`${url}api/checkpoints`)).json()) as { checkpoints: unknown[] };
  assert.equal(list.checkpoints.length, Object.keys(methods).length);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>maskdiff · sampling<\/title>/);
  const code = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  child.kill("SIGTERM");
  assert.equal(await code, 0);
  userError(runCli(["serve", "--checkpoints", join(root, "nope")]), /--checkpoints .*nope does not exist/);
  userError(runCli(["serve", "--checkpoints", ckRoot, "--runs", ckpts.md4!]), /--runs .* is not a directory/);
  userError(runCli(["serve", "--checkpoints", ckRoot, "--port", "70000"]), /--port/);
});

test("an HMM-oracle checkpoint: each finished sample comes with its oracle NLL per token", async () => {
  const dir = join(root, "served", "oracle");
  mkdirSync(dir, { recursive: true });
  const hmmCkpt = tinyCheckpoint(dir, "hmm", { name: "md4" }, { name: "hmm", seqLen: 16, hmmSeed: 2, hmmSize: 5000 });
  const r = await postSample(server.url, { checkpoint: rel(hmmCkpt), n: 2, seed: 6, steps: 8 });
  const done = (await readEvents(r)).at(-1);
  assert.ok(done?.type === "done" && done.oracleNll !== null);
  const { meta } = await loadModel(hmmCkpt);
  const data = datasetFromName("hmm", dataOptions(meta));
  const hmm = hmmOracleOf(data)!;
  done.samples.forEach((text, b) => {
    const nll = -hmm.logLikelihood(templateTokens(data, text)) / 16;
    assert.ok(Math.abs(done.oracleNll![b]! - nll) < 1e-9, `${done.oracleNll![b]} vs ${nll}`);
  });
  const md4 = await readEvents(await postSample(server.url, { checkpoint: rel(ckpts.md4!), steps: 2 }));
  const last = md4.at(-1);
  assert.ok(last?.type === "done" && last.oracleNll === null, "no oracle for other data");
});
