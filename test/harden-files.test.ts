// Dataset paths must be regular files under a size limit; run directories must be writable
// directories outside /proc and /sys; planned sizes must fit in memory.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { datasetFromName } from "../src/data/index.js";
import { loadTextFile } from "../src/data/text-file.js";
import { readRegularFile } from "../src/data/read-file.js";
import { checkRunDir } from "../src/train/run-dir.js";
import { checkSampleMemory, checkTrainMemory, ditParameterCount, estimateTrainBytes, availableMemory } from "../src/engine/memory-check.js";
import { DiT } from "../src/models/dit.js";
import { UserError } from "../src/cli/user-error.js";

const tmp = () => mkdtempSync(join(tmpdir(), "maskdiff-harden-files-"));
const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test((e as Error).message);
const registry = fileURLToPath(new URL("../src/data/registry.js", import.meta.url));

test("text datasets must be regular files within the size limit", () => {
  const dir = tmp();
  try {
    const ok = join(dir, "ok.txt");
    writeFileSync(ok, "the quick brown fox jumps over the lazy dog. ".repeat(20));
    assert.ok(loadTextFile(ok).splits.train.length > 0);
    assert.ok(datasetFromName(`text:${ok}`).splits.train.length > 0);
    const link = join(dir, "link.txt");
    symlinkSync(ok, link);
    assert.ok(loadTextFile(link).splits.train.length > 0, "a symbolic link to a regular file is fine");

    assert.throws(() => loadTextFile(dir), userError(/is a directory/));
    assert.throws(() => datasetFromName(`text:${dir}`), userError(/is a directory/));
    assert.throws(() => loadTextFile("/dev/null"), userError(/\/dev\/null is a character device; expected a regular file of at most 256 MiB/));
    assert.throws(() => loadTextFile(join(dir, "missing.txt")), userError(/does not exist/));
    assert.throws(() => loadTextFile(ok, { maxBytes: 100 }), userError(/is 0\.001 MiB, more than the 0\.000 MiB limit|more than the .* limit/));
    assert.throws(() => readRegularFile(ok, { maxBytes: 100 }), userError(/limit/));
    writeFileSync(join(dir, "digits"), "1234 5678");
    assert.throws(() => loadTextFile(join(dir, "digits")), userError(/no letters a-z/));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("text datasets that never end (/dev/zero, a FIFO, /proc) are refused without blocking", () => {
  const dir = tmp();
  try {
    const fifo = join(dir, "fifo");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    // In a child with a timeout: reading these used to block forever or fill memory.
    for (const [name, re] of [[`text:/dev/zero`, /\/dev\/zero is a character device/], [`text:${fifo}`, /is a FIFO/], [`text:/proc/self/maps`, /./]] as const) {
      const script = `const { datasetFromName } = await import(${JSON.stringify(registry)});
        try { datasetFromName(${JSON.stringify(name)}); console.log("loaded"); } catch (e) { console.log(e.name + ": " + e.message); }`;
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000, env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=512" } });
      assert.equal(r.signal, null, `${name}: did not finish (${r.signal})`);
      if (name.startsWith("text:/proc")) {
        // a /proc file is a regular file whose size stat reports as 0: it is read with the limit applied
        assert.match(r.stdout, /loaded|UserError/, r.stderr);
        continue;
      }
      assert.match(r.stdout, /^UserError: /, `${name}: ${r.stdout} ${r.stderr.slice(0, 300)}`);
      assert.match(r.stdout, re, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checkRunDir accepts creatable or writable directories and refuses files, /proc, /sys", () => {
  const dir = tmp();
  try {
    assert.equal(checkRunDir(dir), dir);
    assert.equal(checkRunDir(join(dir, "a", "b", "c")), join(dir, "a", "b", "c"), "missing folders are fine");
    const file = join(dir, "file");
    writeFileSync(file, "x");
    assert.throws(() => checkRunDir(file), userError(/exists and is a file, not a directory/));
    assert.throws(() => checkRunDir(join(file, "sub")), userError(/cannot be created: .*file is a file, not a directory/));
    assert.throws(() => checkRunDir("/dev/null"), userError(/is a character device, not a directory/));
    for (const p of ["/proc/run", "/proc/self", "/proc", "/sys/kernel/x", "/sys"]) assert.throws(() => checkRunDir(p), userError(/is under \/(proc|sys), a kernel pseudo-filesystem/), p);
    const link = join(dir, "link");
    symlinkSync("/proc/self", link);
    assert.throws(() => checkRunDir(join(link, "run")), userError(/under \/proc/), "a symbolic link into /proc");
    assert.throws(() => checkRunDir(""), userError(/empty/));
    mkdirSync(join(dir, "exists"));
    assert.ok(checkRunDir(join(dir, "exists")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the parameter count of the memory estimate is exact for the DiT", () => {
  for (const c of [{ vocab: 28, seq: 16, d: 32, layers: 1, heads: 2, cond: 16 }, { vocab: 6, seq: 8, d: 64, layers: 3, heads: 4, cond: 128 }]) {
    const m = new DiT({ classes: c.vocab - 1, d: c.d, layers: c.layers, heads: c.heads, cond: c.cond });
    const actual = m.parameters().reduce((a, p) => a + p.size, 0);
    assert.equal(ditParameterCount(c), actual, JSON.stringify(c));
    m.parameters().forEach((p) => p.dispose());
  }
});

test("sizes that cannot be allocated are refused with what was asked and what fits", () => {
  const small = { vocab: 28, d: 32, layers: 1, heads: 2, cond: 16 };
  const available = 8 * 2 ** 30;
  assert.ok(checkTrainMemory(small, 8, 16, { available }).totalBytes < 2 ** 24);
  const huge = estimateTrainBytes(small, 10_000_000, 1024);
  assert.ok(huge.totalBytes > available);
  assert.throws(() => checkTrainMemory(small, 10_000_000, 1024, { available }), userError(/training with batch 10000000, seqLen 1024, d 32, .* needs about .* GiB .* but only 8\.0 GiB of memory is available: at most batch \d+ fits/));
  assert.throws(() => checkTrainMemory({ ...small, d: 1_000_000, layers: 48 }, 1, 16, { available }), userError(/the model alone does not fit/));
  assert.throws(() => checkTrainMemory({ ...small, layers: 1e9 }, 1, 16, { available }), userError(/layers 1000000000/));
  assert.throws(() => checkTrainMemory(small, 1, 65536 * 64, { available }), userError(/seqLen 4194304.*not even batch 1 fits: one sequence of seqLen 4194304 needs/));
  assert.throws(() => checkSampleMemory(small, 1, 65536 * 64, { available }), userError(/not even --n 1 fits: one sequence of --length 4194304 needs/));
  assert.throws(() => checkTrainMemory({ ...small, d: Infinity }, 1, 16, { available }), userError(/more memory than can be addressed/));
  assert.ok(checkSampleMemory(small, 64, 256, { available }));
  assert.throws(() => checkSampleMemory(small, 1e9, 256, { available }), userError(/sampling with --n 1000000000, --length 256 .* at most --n \d+ fits/));
  assert.throws(() => checkSampleMemory(small, 4, 1e7, { available }), userError(/--length 10000000/));
  // against the real machine: a sane run passes, an absurd one does not
  assert.ok(availableMemory().bytes > 0);
  assert.ok(checkTrainMemory(small, 8, 16));
  assert.throws(() => checkTrainMemory({ ...small, d: 4096, layers: 96 }, 4096, 8192), UserError);
});
