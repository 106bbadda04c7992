// Round 2 of the hardening issue: user mistakes that used to print a stack trace (or hang) must be one
// message, exit 2, no stack lines, nothing created or overwritten. One table of argv/config -> message.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { okJson, runCli, snapshot, userError } from "./helpers/cli.js";

const base = {
  seed: 0,
  data: { name: "markov", seqLen: 16, markovSeed: 3, markovSymbols: 5, markovSize: 4000 },
  model: { d: 16, layers: 1, heads: 2, cond: 8 },
  diffusion: { schedule: "linear" },
  train: { steps: 2, batch: 4, lr: 1e-3, warmup: 1, evalEvery: 2, evalSequences: 4, checkpointEvery: 2, logEvery: 1 },
};

let root = "";
let baseCfg = "";
let ckpt = "";

function writeConfig(name: string, edit: (c: any) => void = () => {}): string {
  const c = structuredClone(base) as any;
  edit(c);
  const p = join(root, name);
  writeFileSync(p, JSON.stringify(c));
  return p;
}

/** A copy of the tiny checkpoint in its own run directory, with its string metadata edited by `edit`. */
function editedCheckpoint(name: string, edit: (meta: Record<string, string>) => void): string {
  const buf = readFileSync(ckpt);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8"));
  edit(header.__metadata__);
  let text = JSON.stringify(header);
  text += " ".repeat((8 - (Buffer.byteLength(text) % 8)) % 8);
  const head = Buffer.from(text, "utf8");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  const dir = join(root, name);
  mkdirSync(dir);
  const out = join(dir, "ckpt-00000002.safetensors");
  writeFileSync(out, Buffer.concat([len, head, buf.subarray(8 + n)]));
  return out;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-harden2-"));
  baseCfg = writeConfig("base.json");
  ckpt = okJson(runCli(["train", "--config", baseCfg, "--out", join(root, "run"), "--samples", "0", "--json"], 120_000)).checkpoint;
  writeFileSync(join(root, "short.txt"), "hello world\n"); // 10 letters + spaces: 11 tokens, train split 9
  writeFileSync(join(root, "medium.txt"), "abcdefghij".repeat(5)); // 50 tokens: train 45, valid 2
  writeFileSync(join(root, "a-file"), "x");
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Case {
  name: string;
  args: () => string[];
  pattern: RegExp;
  env?: Record<string, string>;
  /** A path that must not exist afterwards (e.g. the run directory of a refused train). */
  absent?: () => string;
}

const out = (name: string) => join(root, "out-" + name);
const trainWith = (name: string, edit: (c: any) => void) => ["train", "--config", writeConfig(name + ".json", edit), "--out", out(name), "--samples", "0"];

const cases: Case[] = [
  // schedules, in a config and in a checkpoint's stored config
  { name: "unknown schedule name", args: () => trainWith("s1", (c) => (c.diffusion.schedule = "bogus")), pattern: /diffusion\.schedule: unknown schedule 'bogus'; valid names: linear/, absent: () => out("s1") },
  { name: "malformed poly schedule", args: () => trainWith("s2", (c) => (c.diffusion.schedule = "poly:abc")), pattern: /diffusion\.schedule: unknown schedule 'poly:abc'/, absent: () => out("s2") },
  { name: "poly schedule with a negative exponent", args: () => trainWith("s3", (c) => (c.diffusion.schedule = "poly:-1")), pattern: /diffusion\.schedule: polynomial schedule needs a finite exponent k > 0, got -1/, absent: () => out("s3") },
  {
    name: "unknown schedule in a checkpoint's stored config",
    args: () => ["sample", "--checkpoint", editedCheckpoint("ck-sched", (m) => { const c = JSON.parse(m.config!); c.diffusion.schedule = "cosine-nope"; m.config = JSON.stringify(c); }), "--n", "1"],
    pattern: /config stored in .*diffusion\.schedule: unknown schedule 'cosine-nope'/s,
  },
  // data too short, found before any training step or run directory
  { name: "text too short for one training sequence", args: () => trainWith("d1", (c) => (c.data = { name: `text:${join(root, "short.txt")}`, seqLen: 16 })), pattern: /train split has \d+ tokens, fewer than data\.seqLen 16 needed for one training sequence/, absent: () => out("d1") },
  { name: "text too short for one validation chunk", args: () => trainWith("d2", (c) => (c.data = { name: `text:${join(root, "medium.txt")}`, seqLen: 16 })), pattern: /valid split has 3 tokens, fewer than data\.seqLen 16 needed for one validation chunk/, absent: () => out("d2") },
  { name: "markov data too short for seqLen", args: () => trainWith("d3", (c) => (c.data.seqLen = 8000)), pattern: /train split has 3600 tokens, fewer than data\.seqLen 8000/, absent: () => out("d3") },
  // sizes that cannot be allocated
  { name: "batch too large", args: () => trainWith("m1", (c) => (c.train.batch = 1e8)), pattern: /training with batch 100000000.*at most batch \d+ fits/, absent: () => out("m1") },
  { name: "model.d too large", args: () => trainWith("m2", (c) => (c.model.d = 1_000_000)), pattern: /the model alone does not fit: reduce d, layers, cond/, absent: () => out("m2") },
  { name: "seqLen too large for one sequence", args: () => trainWith("m3", (c) => (c.data = { name: "fortunes", seqLen: 65536 })), pattern: /not even batch 1 fits: one sequence of seqLen 65536 needs [\d.]+ GiB \(reduce seqLen/, absent: () => out("m3") },
  { name: "too many layers", args: () => trainWith("m4", (c) => (c.model.layers = 1_000_000)), pattern: /layers 1000000.*does not fit/, absent: () => out("m4") },
  { name: "sample --n too large", args: () => ["sample", "--checkpoint", ckpt, "--n", "100000000"], pattern: /sampling with --n 100000000.*at most --n \d+ fits/ },
  { name: "sample --length too large", args: () => ["sample", "--checkpoint", ckpt, "--length", "100000000"], pattern: /not even --n 1 fits: one sequence of --length 100000000/ },
  // steps: refused up front, stating the limit
  { name: "sample --steps beyond the limit", args: () => ["sample", "--checkpoint", ckpt, "--steps", "1000000000000", "--n", "1"], pattern: /--steps <T>.*expected an integer from 1 to 1048576, got '1000000000000'/ },
  { name: "sample --steps 2^53 + 1", args: () => ["sample", "--checkpoint", ckpt, "--steps", "9007199254740993", "--n", "1"], pattern: /from 1 to 1048576/ },
  { name: "eval-samplers --steps beyond the limit", args: () => ["eval-samplers", "--checkpoint", ckpt, "--steps", "16,2000000"], pattern: /--steps: .*'2000000' gives 2000000 steps; the most is 1048576/ },
  // --out
  { name: "--out is a file", args: () => ["train", "--config", baseCfg, "--out", join(root, "a-file"), "--samples", "0"], pattern: /--out .*a-file exists and is a file, not a directory/ },
  { name: "--out is empty", args: () => ["train", "--config", baseCfg, "--out", "", "--samples", "0"], pattern: /--out: the run directory path is empty/ },
  { name: "--out under /proc", args: () => ["train", "--config", baseCfg, "--out", "/proc/maskdiff-run", "--samples", "0"], pattern: /--out \/proc\/maskdiff-run is under \/proc/ },
  // --config that is not a regular file (a character device used to hang forever)
  { name: "--config /dev/zero", args: () => ["train", "--config", "/dev/zero"], pattern: /config \/dev\/zero is a character device; expected a regular file of at most 1 MiB/ },
  { name: "--config a directory", args: () => ["train", "--config", root], pattern: /config .* is a directory/ },
  // corrupt RNG / data metadata on resume
  {
    name: "resume: torch_rng of the right length but not a generator state",
    args: () => {
      editedCheckpoint("ck-torch", (m) => { m.torch_rng = Buffer.alloc(Buffer.from(m.torch_rng!, "base64").length).toString("base64"); });
      return ["train", "--config", baseCfg, "--out", join(root, "ck-torch"), "--resume", "--samples", "0"];
    },
    pattern: /torch_rng" is not a libtorch generator state/,
  },
  {
    name: "resume: data position for a stream of another length",
    args: () => {
      editedCheckpoint("ck-data", (m) => { const d = JSON.parse(m.data!); d.streamLength = 1000; m.data = JSON.stringify(d); });
      return ["train", "--config", baseCfg, "--out", join(root, "ck-data"), "--resume", "--samples", "0"];
    },
    pattern: /--resume: the data position stored in .* does not fit data 'markov'.*streamLength 1000 vs 3600/,
  },
  // environment
  { name: "MASKDIFF_TORCH_THREADS=0", args: () => ["train", "--config", baseCfg, "--out", out("env0")], env: { MASKDIFF_TORCH_THREADS: "0" }, pattern: /^maskdiff: MASKDIFF_TORCH_THREADS must be an integer from 1 to 1024.*got "0"/, absent: () => out("env0") },
  { name: "MASKDIFF_TORCH_THREADS=abc with --help", args: () => ["--help"], env: { MASKDIFF_TORCH_THREADS: "abc" }, pattern: /MASKDIFF_TORCH_THREADS must be an integer from 1 to 1024/ },
];

/** snapshot() without directory mtimes: a refused --resume takes and releases the run lock (a file in the run directory). */
function files(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot(dir)).map(([k, v]) => [k, k.endsWith("/") ? "dir" : v]));
}

for (const c of cases) {
  test(`user error: ${c.name}`, () => {
    const args = c.args();
    const before = files(root);
    userError(runCli(args, 60_000, c.env), c.pattern);
    assert.deepEqual(files(root), before, `maskdiff ${args.join(" ")} changed files under ${root}`);
    if (c.absent) assert.equal(existsSync(c.absent()), false, `${c.absent()} was created`);
  });
}

test("a good torch_rng still resumes (control for the torch_rng check)", () => {
  const dir = join(root, "ck-good");
  mkdirSync(dir);
  copyFileSync(ckpt, join(dir, "ckpt-00000002.safetensors"));
  const cfg = writeConfig("more.json", (c) => (c.train.steps = 3));
  const r = runCli(["train", "--config", cfg, "--out", dir, "--resume", "--samples", "0", "--json"], 120_000);
  // the stored config has train.steps 2: a mismatch on train.* is allowed, so this resumes to step 3
  assert.equal(okJson(r).steps, 3);
});
