// The package as a consumer gets it: `npm pack`, install the tarball into a fresh project (its install script
// builds the binding there, a few minutes), then `npx maskdiff --help`, the README's "Use it from code" example
// run verbatim, and a TypeScript consumer type-checked against the shipped .d.ts files.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { REPO_ROOT } from "./helpers/cli.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let tmp = "";
let project = "";
let tarball = "";

/** Runs a command in the consumer project; asserts exit 0 and returns stdout. */
function run(cmd: string, args: string[], timeoutMs = 120_000): string {
  const r = spawnSync(cmd, args, { cwd: project, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, NO_COLOR: "1" } });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: exit ${r.status} ${r.signal ?? ""}\nstdout: ${r.stdout?.slice(-3000)}\nstderr: ${r.stderr?.slice(-3000)}`);
  return r.stdout;
}

/** The first ```js block of the README's "Use it from code" section. */
export function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("Use it from code\n"));
  assert.ok(section, 'README.md has no "## Use it from code" section');
  const block = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'the "Use it from code" section has no ```js block');
  return block[1]!;
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "maskdiff-pack-"));
  const packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", tmp], { cwd: REPO_ROOT, encoding: "utf8" })) as { filename: string }[];
  tarball = join(tmp, packed[0]!.filename);
  project = join(tmp, "consumer");
  mkdirSync(project);
  // the approval README's "Installing it as a dependency" documents (a tarball's key is file:<path>), and npm 11's
  // strict mode, which runs only approved install scripts: the binding below is built because of the approval
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", allowScripts: { [`file:${tarball}`]: true } }, null, 2));
  run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--strict-allow-scripts", tarball], 540_000);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("the tarball holds what a consumer needs and nothing else", () => {
  const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").map((f) => f.replace(/^package\//, ""));
  for (const f of ["package.json", "README.md", "bin/maskdiff.js", "binding.gyp", "native/build.cjs", "native/torch-config.cjs", "native/src/addon.cc", "dist/src/index.js", "dist/src/index.d.ts", "dist/src/engine/index.d.ts", "configs/quickstart.json", "scripts/prepare-corpus.mjs"])
    assert.ok(files.includes(f), `tarball lacks ${f}`);
  const unwanted = files.filter((f) => /^(dist\/(test|bench)\/|build\/|test\/|bench\/|src\/|docs\/|runs\/|data\/|examples\/)|\.map$|(?<!\.d)\.ts$/.test(f));
  assert.deepEqual(unwanted, []);
});

test("the install built the binding in the consumer project", () => {
  assert.ok(existsSync(join(project, "node_modules", "maskdiff", "build", "Release", "maskdiff_native.node")));
});

test("npx maskdiff --help works in the consumer project", () => {
  assert.match(run("npx", ["--no-install", "maskdiff", "--help"]), /Usage: maskdiff[\s\S]*train[\s\S]*sample/);
});

test("the README's example, run verbatim there, trains, samples and evaluates", () => {
  writeFileSync(join(project, "example.mjs"), readmeExample());
  const out = run(process.execPath, ["example.mjs"], 300_000);
  assert.match(out, /^step 20: loss \d/m);
  assert.match(out, /bits per token$/m);
  assert.ok(existsSync(join(project, "runs", "from-code")), "the example's run directory");
});

test("a TypeScript consumer type-checks against the shipped .d.ts (and a wrong call does not)", () => {
  const consumer = `
import { loadModel, train, samplerSchemas, MaskdiffError, type LoadedModel, type Samples, type TrainConfig, type StepReport } from "maskdiff";
import { Tensor, tidy, noGrad } from "maskdiff/engine";

const config: TrainConfig = { seed: 0, data: { name: "hmm", seqLen: 16 }, model: { d: 32, layers: 1, heads: 2, cond: 16, dropout: 0, timeConditioning: false },
  diffusion: { schedule: "linear", timeSampling: "antithetic", tMin: 1e-3 }, method: { name: "md4" },
  train: { steps: 1, batch: 2, lr: 1e-3, minLr: 0, warmup: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, gradClip: 1, ema: 0.99, evalEvery: 1, evalSequences: 2, checkpointEvery: 1, keepCheckpoints: 1, logEvery: 1 } };
export async function use(path: string): Promise<number> {
  const model: LoadedModel = await loadModel(path);
  const s: Samples = model.sample({ n: 2, sampler: "remdm-loop:eta=0.02", topP: 0.9, seed: 1 });
  const first: number = s.tokens[0]![0]!;
  const certified: boolean = model.evaluate({ steps: 4 })[0]!.certified;
  const run = await train(config, { out: "runs/x", signal: AbortSignal.timeout(1000), onProgress: (r: StepReport) => void r.loss });
  const names: string[] = samplerSchemas.map((x) => x.name + x.options.map((o) => o.key).join(""));
  const params: Tensor[] = run.model.model.network.namedParameters().map(([, p]) => p);
  const sum: number = tidy(() => noGrad(() => params.length));
  // @ts-expect-error: n is a number
  model.sample({ n: "2" });
  try { await loadModel(path); } catch (e) { if (e instanceof MaskdiffError) return e.code.length; }
  return first + Number(certified) + names.length + sum;
}
`;
  writeFileSync(join(project, "consumer.ts"), consumer);
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: ["node"], typeRoots: [join(REPO_ROOT, "node_modules", "@types")] },
    files: ["consumer.ts"],
  }));
  run(process.execPath, [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
  writeFileSync(join(project, "consumer.ts"), consumer.replace("// @ts-expect-error: n is a number\n", ""));
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: project, encoding: "utf8" });
  assert.notEqual(r.status, 0, "a string n must not type-check");
  assert.match(r.stdout, /consumer\.ts.*Type 'string' is not assignable to type 'number'/);
});
