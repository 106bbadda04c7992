/**
 * `npm run bench -- engine`: our train step (fwd + bwd + AdamW) and forward pass against the
 * PyTorch peer (bench/torch_peer.py) on the tiny/small/base configs, interleaved in one run with the same thread
 * settings, plus an RSS-stability run (300 train steps). Prints a table, or JSON lines with --json.
 * Without PyTorch it prints one line saying how to install it and exits with status 2.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchEnv, peerEnv, peerUnavailable, runPeer } from "./peer.js";
import { resultManifest } from "../src/eval/manifest.js";

const here = dirname(fileURLToPath(import.meta.url));

interface RunResult {
  median_ms: number;
  tokens_per_s: number;
  max_rss_mb: number;
  rss_mb_at?: Record<string, number>;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): RunResult {
  const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  if (r.status !== 0 || !line.startsWith("{")) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(line) as RunResult;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs the engine benchmark with CLI-style arguments. */
export function benchEngine(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      configs: { type: "string", default: "tiny,small,base" },
      modes: { type: "string", default: "train,forward" },
      steps: { type: "string", default: "10" },
      rounds: { type: "string", default: "2" },
      threads: { type: "string", default: String(availableParallelism()) },
      "rss-steps": { type: "string", default: "300" },
      "torch-allocator": { type: "string", default: "jemalloc" },
    },
  });
  const missing = peerUnavailable();
  if (missing) {
    console.error(`bench engine: ${missing}`);
    process.exit(2);
  }
  // Same threads for both: OpenBLAS does the matmuls with `threads`, libtorch's own pool has 1.
  const env = benchEnv(values.threads!);
  // Same allocator policy: we cache freed blocks by size; give PyTorch jemalloc (no decay), which does the same.
  const { env: torchEnv, allocator: torchAlloc } = peerEnv(env, values["torch-allocator"]!);
  const worker = join(here, "engine-worker.js");
  const log = (s: string) => process.stderr.write(s + "\n");
  const rows: Record<string, unknown>[] = [];
  for (const config of values.configs!.split(",")) {
    for (const mode of values.modes!.split(",")) {
      const ours: RunResult[] = [];
      const torch: RunResult[] = [];
      for (let r = 0; r < Number(values.rounds); r++) {
        const oursRun = () => ours.push(run(process.execPath, [worker, "--config", config, "--mode", mode, "--steps", values.steps!], env));
        const torchRun = () =>
          torch.push(runPeer<RunResult>(["--config", config, "--mode", mode, "--steps", values.steps!, "--threads", "1"], torchEnv));
        if (r % 2 === 0) { oursRun(); torchRun(); } else { torchRun(); oursRun(); }
        log(`  ${config} ${mode} round ${r + 1}: ours ${ours.at(-1)!.median_ms} ms, torch ${torch.at(-1)!.median_ms} ms`);
      }
      const oursMs = +median(ours.map((o) => o.median_ms)).toFixed(2);
      const torchMs = +median(torch.map((o) => o.median_ms)).toFixed(2);
      rows.push({
        config, mode, ours_ms: oursMs, torch_ms: torchMs, ratio: +(torchMs / oursMs).toFixed(3),
        ours_tokens_per_s: +median(ours.map((o) => o.tokens_per_s)).toFixed(1), torch_tokens_per_s: +median(torch.map((o) => o.tokens_per_s)).toFixed(1),
        rss_mb: Math.max(...ours.map((o) => o.max_rss_mb)), torch_rss_mb: Math.max(...torch.map((o) => o.max_rss_mb)),
        threads: Number(values.threads), torch_allocator: torchAlloc,
      });
    }
  }
  const rssSteps = Number(values["rss-steps"]);
  let rssRow: Record<string, unknown> | null = null;
  if (rssSteps > 30) {
    log(`  small train: ${rssSteps} steps for RSS stability...`);
    const r = run(process.execPath, [worker, "--config", "small", "--mode", "train", "--steps", String(rssSteps), "--warmup", "0", "--rss-at", `30,${rssSteps}`], env);
    const a = r.rss_mb_at![30]!, b = r.rss_mb_at![rssSteps]!;
    rssRow = { config: "small", mode: "rss", rss_mb_at_30: +a.toFixed(1), [`rss_mb_at_${rssSteps}`]: +b.toFixed(1), growth: +((b - a) / a).toFixed(4) };
  }
  if (values.json) {
    for (const row of rows) console.log(JSON.stringify({ ...row, manifest: resultManifest({}) }));
    if (rssRow) console.log(JSON.stringify({ ...rssRow, manifest: resultManifest({}) }));
    return;
  }
  console.log(`threads: OpenBLAS ${values.threads}, libtorch intra-op 1 (both sides); allocator: ours caching, PyTorch ${torchAlloc}; steps ${values.steps} x ${values.rounds} rounds, interleaved`);
  console.log("| config | mode | ours ms | torch ms | ours tok/s | torch tok/s | ratio (ours/torch throughput) | ours peak RSS MB | torch peak RSS MB |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of rows)
    console.log(`| ${r.config} | ${r.mode} | ${r.ours_ms} | ${r.torch_ms} | ${r.ours_tokens_per_s} | ${r.torch_tokens_per_s} | ${r.ratio} | ${r.rss_mb} | ${r.torch_rss_mb} |`);
  if (rssRow) console.log(`RSS, small train: ${rssRow.rss_mb_at_30} MB after 30 steps, ${rssRow[`rss_mb_at_${rssSteps}`]} MB after ${rssSteps} (growth ${(100 * (rssRow.growth as number)).toFixed(1)}%)`);
}
