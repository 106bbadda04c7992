/**
 * `npm run bench -- ddp`: data-parallel training overhead, ours against PyTorch's DistributedDataParallel (Gloo,
 * Debian's torch) in one run: the small config's train step with 1 and 2 processes (global batch split between them),
 * the gradient all-reduce alone (flattened 25 MiB buckets on both sides), and the all-reduce time and bandwidth of one
 * buffer. Each process gets an equal part of the cores for OpenBLAS; libtorch's own pool has 1 thread on both sides.
 * Without PyTorch it prints one line saying how to install it and exits with status 2.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { launchWorkers } from "../src/cli/launch-workers.js";
import { benchEnv, peerEnv, peerScript, peerUnavailable, torchPython } from "./peer.js";
import { resultManifest } from "../src/eval/manifest.js";

const here = dirname(fileURLToPath(import.meta.url));

interface Row {
  world: number;
  batch_per_rank: number;
  grad_mb: number;
  step_ms: number;
  allreduce_in_step_ms?: number;
  allreduce_ms: number;
  bw_mb: number;
  bw_ms: number;
}

/** Runs `world` ranks of a bench worker; returns rank 0's JSON. */
async function runRanks(world: number, command: string[], env: NodeJS.ProcessEnv): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-bench-ddp-"));
  try {
    const out = join(dir, "rank0.json");
    const code = await launchWorkers({ nproc: world, nnodes: 1, nodeRank: 0, masterAddr: "127.0.0.1", command: [...command, "--out", out], env });
    if (code !== 0) throw new Error(`${command.join(" ")} with ${world} processes failed (exit ${code})`);
    return JSON.parse(readFileSync(out, "utf8")) as Row;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mbps = (r: Row) => (r.world > 1 ? (r.bw_mb / (r.bw_ms / 1000)).toFixed(0) : "-");

/** Runs the ddp benchmark with CLI-style arguments. */
export async function benchDdp(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      config: { type: "string", default: "small" },
      worlds: { type: "string", default: "1,2" },
      steps: { type: "string", default: "6" },
      reps: { type: "string", default: "10" },
      "bw-mb": { type: "string", default: "16" },
      "torch-allocator": { type: "string", default: "jemalloc" },
    },
  });
  const missing = peerUnavailable();
  if (missing) {
    console.error(`bench ddp: ${missing}`);
    process.exit(2);
  }
  const common = ["--config", values.config!, "--steps", values.steps!, "--reps", values.reps!, "--bw-mb", values["bw-mb"]!];
  const rows: { ours: Row; torch: Row }[] = [];
  for (const [i, world] of values.worlds!.split(",").map(Number).entries()) {
    const env = benchEnv(String(Math.max(1, Math.floor(availableParallelism() / world))));
    const { env: torchEnv } = peerEnv(env, values["torch-allocator"]!);
    const ours = () => runRanks(world, [process.execPath, join(here, "ddp-worker.js"), ...common], env);
    const torch = () => runRanks(world, [torchPython, peerScript, "--mode", "ddp", "--threads", "1", ...common], torchEnv);
    let o: Row, t: Row; // alternate which side runs first
    if (i % 2 === 0) {
      o = await ours();
      t = await torch();
    } else {
      t = await torch();
      o = await ours();
    }
    rows.push({ ours: o, torch: t });
    process.stderr.write(`  world ${world}: ours ${o.step_ms} ms/step, PyTorch DDP ${t.step_ms} ms/step\n`);
  }
  if (values.json) {
    for (const r of rows) console.log(JSON.stringify({ ...r, manifest: resultManifest({ method: "md4" }) }));
    return;
  }
  const g = rows[0]!.ours;
  console.log(`config ${values.config} (gradients ${g.grad_mb} MiB), global batch ${g.batch_per_rank * g.world}; ${availableParallelism()} cores shared by the processes; medians of ${values.steps} steps / ${values.reps} all-reduces`);
  console.log("| processes | batch per process | ours step ms | PyTorch DDP step ms | ours all-reduce within the step ms | ours gradient all-reduce ms | PyTorch gradient all-reduce ms | ours " + `${values["bw-mb"]} MiB all-reduce MiB/s | PyTorch MiB/s |`);
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const { ours: o, torch: t } of rows)
    console.log(`| ${o.world} | ${o.batch_per_rank} | ${o.step_ms} | ${t.step_ms} | ${o.allreduce_in_step_ms} | ${o.allreduce_ms} | ${t.allreduce_ms} | ${mbps(o)} | ${mbps(t)} |`);
  console.log("PyTorch DDP overlaps its all-reduce with the backward pass, so its step has no separate all-reduce time; the gradient all-reduce columns time the same buckets alone on both sides.");
}
