/**
 * `npm run bench -- loop`: the training loop of configs/quickstart.json against the bare engine step
 * (forward + backward + AdamW) of the same model, interleaved; prints the loop's overhead.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resultManifest } from "../src/eval/manifest.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");

function runJson(args: string[], env: NodeJS.ProcessEnv): { median_ms: number; tokens_per_s: number } {
  const r = spawnSync(process.execPath, args, { encoding: "utf8", env, maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  if (r.status !== 0 || !line.startsWith("{")) throw new Error(`${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(line);
}

/** Runs the loop-overhead benchmark with CLI-style arguments. */
export function benchLoop(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: "boolean", default: false }, steps: { type: "string", default: "30" }, rounds: { type: "string", default: "3" } },
  });
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(availableParallelism()), MASKDIFF_TORCH_THREADS: "1" };
  const bare: number[] = [];
  const loop: number[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    bare.push(runJson([join(here, "engine-worker.js"), "--config", "quickstart", "--mode", "train", "--steps", values.steps!], env).median_ms);
    loop.push(runJson([join(here, "loop-worker.js"), "--config", join(repo, "configs", "quickstart.json"), "--steps", values.steps!], env).median_ms);
    process.stderr.write(`  round ${r + 1}: bare step ${bare.at(-1)} ms, training loop ${loop.at(-1)} ms\n`);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row = { config: "quickstart", bare_ms: med(bare), loop_ms: med(loop), overhead: +(med(loop) / med(bare) - 1).toFixed(4), tokens_per_s_loop: +((32 * 64) / (med(loop) / 1000)).toFixed(1) };
  if (values.json) return console.log(JSON.stringify({ ...row, manifest: resultManifest({ method: "md4" }) }));
  console.log("| config | bare step ms | training loop ms | loop overhead | loop tokens/s |");
  console.log("|---|---|---|---|---|");
  console.log(`| ${row.config} | ${row.bare_ms} | ${row.loop_ms} | ${(100 * row.overhead).toFixed(1)}% | ${row.tokens_per_s_loop} |`);
}
