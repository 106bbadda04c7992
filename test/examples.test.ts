// The scripts in examples/, run as a user would (node examples/NAME.mjs ...) with tiny settings.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Rng } from "../src/engine/rng.js";
import { REPO_ROOT } from "./helpers/cli.js";

let tmp = "";
let text = "";

/** Runs node examples/<script> ...args from the repository root. */
function example(script: string, args: string[]) {
  const r = spawnSync(process.execPath, [join("examples", script), ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "maskdiff-examples-"));
  // 40,000 characters of words drawn from a small vocabulary: enough for 90/5/5 splits of 32-character chunks
  const words = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far", "away", "from", "home", "today"];
  const rng = new Rng(1);
  let s = "";
  while (s.length < 40_000) s += words[Math.floor(rng.next() * words.length)] + (rng.next() < 0.1 ? ".\n" : " ");
  text = join(tmp, "my text.txt");
  writeFileSync(text, s);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("train-text-file trains on a text file, writes checkpoints and prints three samples of the sequence length", () => {
  const r = example("train-text-file.mjs", [text, join(tmp, "run"), "--steps", "20", "--seq-len", "32"]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 3, r.stdout);
  for (const l of lines) assert.match(l, /^[a-z ]{32}$/);
  assert.match(r.stderr, /finished at step 20; checkpoint .*ckpt-00000020\.safetensors/);
  assert.match(r.stderr, /validation nelbo \d+\.\d+ bpc \((certified upper bound|estimate)\)/);
});

test("sample-remdm-loop samples from that checkpoint, the same output for the same seed", () => {
  const ckpt = join(tmp, "run", "ckpt-00000020.safetensors");
  assert.ok(existsSync(ckpt));
  const a = example("sample-remdm-loop.mjs", [ckpt, "--n", "2", "--steps", "8", "--seed", "1"]);
  assert.equal(a.status, 0, a.stderr);
  assert.deepEqual(a.stdout.trim().split("\n").map((l) => l.length), [32, 32]);
  assert.match(a.stderr, /^remdm-loop.*, T = 8: \d+ network calls \(method md4, checkpoint step 20\)/);
  assert.equal(example("sample-remdm-loop.mjs", [ckpt, "--n", "2", "--steps", "8", "--seed", "1"]).stdout, a.stdout);
  const usage = example("sample-remdm-loop.mjs", []);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^usage: node examples\/sample-remdm-loop\.mjs CHECKPOINT/);
});

test("train-text-file stops on Ctrl-C (SIGINT) after the current step, with a checkpoint, and still samples", async () => {
  const child = spawn(process.execPath, [join("examples", "train-text-file.mjs"), text, join(tmp, "interrupted"), "--steps", "5000", "--seq-len", "32"], { cwd: REPO_ROOT });
  let stderr = "";
  let stdout = "";
  let interrupted = false;
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => {
    stderr += d;
    // once: a second Ctrl-C kills the script, as it should
    if (!interrupted && /step 50\/5000/.test(stderr)) interrupted = child.kill("SIGINT");
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, stderr);
  const m = /stopped at step (\d+); checkpoint (.*)/.exec(stderr);
  assert.ok(m, stderr);
  assert.ok(Number(m[1]) >= 50 && Number(m[1]) < 5000);
  assert.ok(existsSync(m[2]!.trim()));
  assert.equal(stdout.trim().split("\n").length, 3);
});

test("compare-samplers-hmm trains on the HMM oracle and prints one row per sampler × T after the reference", () => {
  const r = example("compare-samplers-hmm.mjs", ["--out", join(tmp, "hmm"), "--train-steps", "20", "--samplers", "ancestral,remdm-loop", "--steps", "4,8", "--n", "4"]);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").slice(1, -1).map((l) => l.trim().split(/\s+/));
  assert.deepEqual(rows.map((c) => [c[0]!.split(":")[0], c[1]]), [["true-hmm", "-"], ["ancestral", "4"], ["ancestral", "8"], ["remdm-loop", "4"], ["remdm-loop", "8"]]);
  for (const c of rows) assert.ok(Number(c[2]) > 0, `oracle NLL ${c[2]}`);
  assert.match(r.stdout, /entropy rate is \d+\.\d+ nats\/token/);
});
