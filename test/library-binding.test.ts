// A missing or unloadable libtorch binding: importing maskdiff still works (the binding loads at first use),
// the first tensor operation throws one BindingError saying what to do, and the CLI prints it as one line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { REPO_ROOT } from "./helpers/cli.js";

let pkg = "";

before(() => {
  // a copy of the built package without build/, so that the binding the loader looks for is absent
  pkg = mkdtempSync(join(tmpdir(), "maskdiff-nobinding-"));
  cpSync(join(REPO_ROOT, "dist", "src"), join(pkg, "dist", "src"), { recursive: true, filter: (f) => !f.endsWith(".map") });
  cpSync(join(REPO_ROOT, "bin"), join(pkg, "bin"), { recursive: true });
  cpSync(join(REPO_ROOT, "package.json"), join(pkg, "package.json"));
  symlinkSync(join(REPO_ROOT, "node_modules"), join(pkg, "node_modules"));
  writeFileSync(join(pkg, "tiny.json"), JSON.stringify({ data: { name: "hmm", seqLen: 8, hmmSize: 2000 }, model: { d: 16, layers: 1, heads: 2 }, train: { steps: 2, batch: 2, lr: 1e-3 } }));
});
after(() => rmSync(pkg, { recursive: true, force: true }));

/** Imports the copy's index, lists the samplers (no binding needed), then makes a tensor; prints what happened as JSON. */
function firstUse() {
  const index = join(pkg, "dist", "src", "index.js");
  const script = `
    const api = await import(${JSON.stringify(index)});
    const out = { samplers: api.samplerSchemas.length };
    try { api.tensor([1, 2], [2]); out.error = null; } catch (e) {
      out.error = { isBindingError: e instanceof api.BindingError, isMaskdiffError: e instanceof api.MaskdiffError, code: e.code, message: e.message };
    }
    try { api.tensor([1], [1]); } catch (e) { out.again = e.code; }
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Runs the copy's CLI. */
function cli(args: string[]) {
  return spawnSync(process.execPath, [join(pkg, "bin", "maskdiff.js"), ...args], { cwd: pkg, encoding: "utf8", timeout: 60_000 });
}

test("without a built binding, import works and the first tensor throws BindingError BINDING_MISSING with the fix", () => {
  const r = firstUse();
  assert.ok(r.samplers > 10);
  assert.equal(r.error.isBindingError && r.error.isMaskdiffError, true);
  assert.equal(r.error.code, "BINDING_MISSING");
  assert.match(r.error.message, /libtorch binding is not built \(.*build\/Release\/maskdiff_native\.node is missing\).*npm run build:native.*npm rebuild maskdiff.*npm install-scripts approve maskdiff/);
  assert.equal(r.again, "BINDING_MISSING", "every later use says the same");
  const help = cli(["--help"]);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: maskdiff/);
  const run = cli(["train", "--config", "tiny.json", "--out", "run", "--samples", "0"]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^maskdiff: the libtorch binding is not built/);
  assert.equal(run.stderr.trim().split("\n").length, 1, `one line, no stack trace:\n${run.stderr}`);
});

test("a binding that cannot be loaded (not a library for this machine) is BindingError BINDING_UNLOADABLE, not a crash", () => {
  mkdirSync(join(pkg, "build", "Release"), { recursive: true });
  writeFileSync(join(pkg, "build", "Release", "maskdiff_native.node"), "not an ELF file, as from another platform");
  const r = firstUse();
  assert.equal(r.error.code, "BINDING_UNLOADABLE");
  assert.match(r.error.message, /binding .*maskdiff_native\.node cannot be loaded \(.+\); it was probably built against another libtorch or on another machine; build it with `npm run build:native`/);
  const run = cli(["train", "--config", "tiny.json", "--out", "run", "--samples", "0"]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^maskdiff: the libtorch binding .* cannot be loaded/);
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
});
