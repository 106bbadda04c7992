// C++ exceptions in the binding become JS Errors instead of aborting the process; seeds that would
// alias are refused.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError } from "commander";
import { Rng } from "../src/engine/index.js";
import { checkSeed, isValidSeed, MAX_SEED, TRAIN_SEED_OFFSET } from "../src/engine/seed.js";
import { seedArg } from "../src/cli/options.js";
import { UserError } from "../src/cli/user-error.js";

const engine = fileURLToPath(new URL("../src/engine/index.js", import.meta.url));
const nativeJs = fileURLToPath(new URL("../src/engine/native.js", import.meta.url));

/** Runs a script in a fresh node (an abort there cannot take the test runner down). */
function node(script: string, env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
  return { status: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

test("a bad MASKDIFF_TORCH_THREADS is a JS error naming the variable, not an abort at import", () => {
  for (const v of ["0", "-1", "abc", "1.5", "100000"]) {
    const r = node(`try { await import(${JSON.stringify(engine)}); console.log("loaded"); } catch (e) { console.log("error: " + e.message); }`, { MASKDIFF_TORCH_THREADS: v });
    assert.equal(r.signal, null, `MASKDIFF_TORCH_THREADS=${v}: killed by ${r.signal}\n${r.err}`);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /^error: .*MASKDIFF_TORCH_THREADS must be an integer from 1 to 1024/, `MASKDIFF_TORCH_THREADS=${v}`);
  }
  for (const v of ["2", "", undefined]) {
    const r = node(`await import(${JSON.stringify(engine)}); console.log("loaded");`, { MASKDIFF_TORCH_THREADS: v });
    assert.equal(r.out.trim(), "loaded", r.err);
  }
});

test("libtorch errors in every kind of binding call are thrown as JS errors", () => {
  const calls = [
    ["setNumThreads(0)", /setNumThreads.*thread count must be an integer from 1 to 1024, got 0/],
    ["setNumThreads(-3)", /setNumThreads/],
    ["manualSeed(-1)", /manualSeed.*seed must be an integer/],
    ["manualSeed(1.5)", /manualSeed.*seed must be an integer/],
    ["manualSeed(2 ** 60)", /manualSeed.*2\^53/],
    ["manualSeed(-1n)", /manualSeed.*2\^64/],
    ["setRngState(n.fromBuffer(new Uint8Array(10), [10], 'uint8', 'cpu'))", /setRngState.*size/],
    ["reshape(n.full([2, 3], 1, 'float32', 'cpu'), [4, 4])", /reshape/],
    ["full([2], 1, 'complex', 'cpu')", /full.*unknown dtype/],
    ["full([-5], 1, 'float32', 'cpu')", /full/],
    ["matmul(n.full([2, 3], 1, 'float32', 'cpu'), n.full([2, 3], 1, 'float32', 'cpu'))", /matmul/],
    ["shape({})", /not a tensor/],
  ] as const;
  const script = `
    const { native: n } = await import(${JSON.stringify(nativeJs)});
    const out = [];
    for (const c of ${JSON.stringify(calls.map(([c]) => c))}) {
      try { new Function("n", "return n." + c)(n); out.push("no error"); } catch (e) { out.push((e instanceof Error ? "Error: " : "non-Error: ") + e.message); }
    }
    console.log(JSON.stringify(out));`;
  const r = node(script);
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.err.slice(0, 500)}`);
  assert.equal(r.status, 0, r.err);
  const out = JSON.parse(r.out) as string[];
  calls.forEach(([c, re], i) => {
    assert.match(out[i]!, /^Error: /, `${c}: ${out[i]}`);
    assert.match(out[i]!, re, c);
  });
});

test("seeds outside [0, 2^32 − 1] are refused instead of aliasing", () => {
  // Rng used to keep only seed mod 2^32: 2^32 + 5 gave the stream of 5
  for (const s of [2 ** 32 + 5, 2 ** 32, -1, 1.5, NaN, Infinity, 2 ** 53])
    assert.throws(() => new Rng(s), (e: unknown) => e instanceof RangeError && /0 to 2\^32 - 1/.test((e as Error).message), String(s));
  assert.equal(new Rng(MAX_SEED).next(), new Rng(MAX_SEED).next());
  assert.notEqual(new Rng(5).next(), new Rng(6).next());

  assert.equal(checkSeed(0), 0);
  assert.equal(checkSeed(MAX_SEED), MAX_SEED);
  assert.equal(checkSeed(MAX_SEED - TRAIN_SEED_OFFSET, "seed", TRAIN_SEED_OFFSET), MAX_SEED - 3);
  for (const [s, off] of [[MAX_SEED + 1, 0], [MAX_SEED - 2, TRAIN_SEED_OFFSET], [-1, 0], [0.5, 0], ["7", 0], [2 ** 53, 0]] as const) {
    assert.equal(isValidSeed(s, off), false, `${s} + ${off}`);
    assert.throws(() => checkSeed(s, "config seed", off), (e: unknown) => e instanceof UserError && /config seed must be an integer from 0 to \d+/.test((e as Error).message));
  }
  const parse = seedArg();
  assert.equal(parse("42"), 42);
  for (const v of ["4294967296", "-1", "1.5", "", "abc", "1e20"]) assert.throws(() => parse(v), (e: unknown) => e instanceof InvalidArgumentError, v);
});
