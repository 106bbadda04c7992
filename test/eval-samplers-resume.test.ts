// eval-samplers --out: rows appended as they finish, an unfinished last line dropped, a rerun computing only
// the missing rows (the table equal to one uninterrupted run's), and other fixed arguments refused.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readTable, type TableKey } from "../src/eval/sampler-eval-resume.js";
import { runCli, userError } from "./helpers/cli.js";
import { trainTinyHmm } from "./helpers/tiny-hmm.js";

let root = "";
let ckpt = "";

before(() => {
  ({ root, ckpt } = trainTinyHmm("maskdiff-resume-"));
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const ARGS = (out: string, n = "6") => ["eval-samplers", "--checkpoint", ckpt, "--samplers", "ancestral,remdm-loop", "--steps", "3,L", "--n", n, "--seed", "4", "--json", "--out", out];
/** JSON rows without their timings (the only field that differs between runs). */
const untimed = (text: string) => text.trim().split("\n").map((l) => ({ ...JSON.parse(l), seconds: 0 }));

test("eval-samplers --out: an interrupted table resumed gives the uninterrupted run's table, computing only the missing rows", () => {
  const full = join(root, "full.jsonl");
  const r = runCli(ARGS(full), 120_000);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(full, "utf8").split("\n");
  assert.equal(lines.length, 6, "five rows, each ending in a newline");
  const first = JSON.parse(lines[0]!);
  assert.equal(first.sampler, "true-hmm");
  assert.equal(first.n, 6);
  assert.equal(first.seed, 4);
  assert.equal(first.top_p, 1);
  assert.match(first.checkpoint_sha256, /^[0-9a-f]{64}$/);
  for (const k of ["entropy_ub_model", "entropy_ub_markov", "kl_lower_estimate", "kl_lower_estimate_stderr"]) assert.ok(Number.isFinite(first[k]), `${k} = ${first[k]}`);

  // a crash after two rows, in the middle of writing the third; the second row is marked to show it is not recomputed
  const part = join(root, "part.jsonl");
  const second = { ...JSON.parse(lines[1]!), oracle_nll: 123.25 };
  writeFileSync(part, `${lines[0]}\n${JSON.stringify(second)}\n${lines[2]!.slice(0, 40)}`);
  const again = runCli(ARGS(part), 120_000);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /dropped an unfinished last line \(40 bytes\)/);
  assert.match(again.stderr, /\[3\/3, \d+ s\] remdm-loop T=12/, "three rows computed");
  assert.doesNotMatch(again.stderr, /\/4,|\/5,/);
  const expected = untimed(r.stdout);
  expected[1] = { ...expected[1], oracle_nll: 123.25 };
  assert.deepEqual(untimed(again.stdout), expected);
  const resumed = readFileSync(part, "utf8").split("\n");
  assert.equal(resumed.length, 6);
  assert.deepEqual(resumed.slice(2).map((l) => (l ? { ...JSON.parse(l), seconds: 0 } : l)), lines.slice(2).map((l) => (l ? { ...JSON.parse(l), seconds: 0 } : l)));

  // a complete table: nothing left to compute
  const done = runCli(ARGS(full), 120_000);
  assert.equal(done.status, 0, done.stderr);
  assert.deepEqual(untimed(done.stdout), untimed(r.stdout));
  assert.doesNotMatch(done.stderr, /\[1\//);
  assert.equal(readFileSync(full, "utf8").split("\n").length, 6);
});

test("eval-samplers --out refuses a file written with other fixed arguments, a corrupt line, and a bad path", () => {
  const full = join(root, "other.jsonl");
  assert.equal(runCli([...ARGS(full), "--samplers", "ancestral", "--steps", "3"], 120_000).status, 0);
  userError(runCli(ARGS(full, "7")), /line 1 was computed with n = 6, this run has 7: write to another --out file/);
  userError(runCli([...ARGS(full), "--top-p", "0.9"]), /line 1 was computed with top_p = 1, this run has 0.9/);
  const bad = join(root, "bad.jsonl");
  writeFileSync(bad, `${readFileSync(full, "utf8").split("\n")[0]}\nnot json\n`);
  userError(runCli(ARGS(bad)), /line 2 is not JSON/);
  userError(runCli(ARGS(join(root, "t.json"))), /--out .*give a path ending in \.jsonl/);
  userError(runCli(ARGS(join(root, "no", "dir", "t.jsonl"))), /does not exist/);
});

test("readTable: an absent file is an empty table; a line of another run is refused", () => {
  const key: TableKey = { checkpoint: "c", checkpoint_sha256: "ab", n: 2, seed: 0, top_p: 1, top_p_variant: "mdlm", trigram_alpha: 0.01, entropy_draws: 4 };
  assert.equal(readTable(join(root, "absent.jsonl"), key).rows.size, 0);
  const p = join(root, "key.jsonl");
  writeFileSync(p, JSON.stringify({ sampler: "ancestral", T: 4, oracle_nll: 1, ...key, checkpoint: "elsewhere" }) + "\n");
  const t = readTable(p, key);
  assert.deepEqual([...t.rows.keys()], ["ancestral @ T=4"]);
  assert.deepEqual(t.rows.get("ancestral @ T=4"), { sampler: "ancestral", T: 4, oracle_nll: 1 }, "the key fields are not part of the row");
  assert.throws(() => readTable(p, { ...key, checkpoint_sha256: "cd" }), /computed with checkpoint_sha256 = "ab", this run has "cd"/);
});
