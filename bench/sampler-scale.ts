/**
 * The sampler at scale (issue 16): per-step time of the ancestral sampler on a deliberately tiny network
 * (one-layer DiT, d = 64, random weights with open adaLN gates and output layer), for V ∈ {27, 1024, 8192,
 * 50257}, L ∈ {256, 1024}, top-p ∈ {1, 0.9}, against the PyTorch peer running MDLM's caching ancestral update
 * (bench/torch_peer.py --sample-scale) on the same weights, interleaved cell by cell; the network's own forward
 * time; and the peak RSS of a V = 50,257, L = 1,024, B = 4 run in a fresh process.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { manualSeed, noGrad, tensor, tidy } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { saveSafetensors } from "../src/engine/safetensors.js";
import { consistentSet } from "../src/diffusion/parameterization.js";
import { linear } from "../src/diffusion/schedules.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { ancestralPolicy, sample } from "../src/diffusion/samplers/index.js";
import type { Denoiser } from "../src/diffusion/denoiser.js";
import { DiT } from "../src/models/dit.js";
import { netDenoiser } from "../src/models/net-denoiser.js";
import { benchEnv, peerEnv, peerUnavailable, runPeer } from "./peer.js";

/** The tiny network of the scale bench, in the peer's config form (vocab counts the mask token). */
export function scaleConfig(V: number, L: number) {
  return { vocab: V + 1, seq: L, d: 64, layers: 1, heads: 4, cond: 64, timeConditioning: false };
}

/** A one-layer DiT over V classes with seeded random weights, adaLN gates and output layer included (so logits spread). */
export function scaleModel(V: number, L: number, seed: number): DiT {
  const c = scaleConfig(V, L);
  manualSeed(seed);
  const model = new DiT({ classes: V, d: c.d, layers: c.layers, heads: c.heads, cond: c.cond, timeConditioning: false }).eval();
  const rng = new Rng(seed);
  noGrad(() => {
    for (const [n, p] of model.namedParameters()) {
      if (n.endsWith("ada.weight") || n.endsWith("ada.bias") || n.startsWith("out.")) p.copyInPlace(tensor(Float32Array.from({ length: p.size }, () => 0.4 * (rng.next() - 0.5)), p.shape));
    }
  });
  return model;
}

/** The denoiser of a scale model. */
export function scaleDenoiser(model: DiT, V: number): Denoiser {
  const layout = tokenLayout(V);
  return netDenoiser(model, layout, consistentSet(layout));
}

/** Median ms of `reps` forward passes on the all-MASK state [B, L]. */
function forwardMs(den: Denoiser, B: number, L: number, reps: number): number {
  const states = { tokens: new Int32Array(B * L).fill(den.layout.maskId), batch: B, length: L };
  const ms: number[] = [];
  for (let r = 0; r < reps + 1; r++) {
    const t0 = performance.now();
    tidy(() => den.predictTensor!(states, new Float64Array(B).fill(1)).sum().item());
    if (r > 0) ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
}

/** One row of the scale grid. */
export interface ScaleRow {
  vocab: number;
  length: number;
  top_p: number;
  batch: number;
  T: number;
  ours_ms: number;
  torch_ms: number | null;
  ratio: number | null;
  forward_ms: number;
  torch_forward_ms: number | null;
  sampler_ms: number;
  ours_tokens_per_s: number;
}

/** Options of the scale grid. */
export interface ScaleOptions {
  vocabs: number[];
  lengths: number[];
  topPs: number[];
  batch: number;
  steps: number;
  log: (s: string) => void;
}

/** Runs the grid; the peer column stays null when PyTorch is missing. */
export async function scaleRows(o: ScaleOptions): Promise<ScaleRow[]> {
  const missing = peerUnavailable();
  if (missing) o.log(`bench samplers (scale): no PyTorch column: ${missing}`);
  const { env } = peerEnv(benchEnv(process.env.OPENBLAS_NUM_THREADS ?? "1"), "jemalloc");
  const dir = mkdtempSync(join(tmpdir(), "maskdiff-sampler-scale-"));
  const rows: ScaleRow[] = [];
  try {
    let cell = 0;
    for (const L of o.lengths) {
      for (const V of o.vocabs) {
        const model = scaleModel(V, L, 1);
        const den = scaleDenoiser(model, V);
        const weights = join(dir, `dit-${V}-${L}.safetensors`);
        if (!missing) await saveSafetensors(weights, model.stateDict(), { config: JSON.stringify(scaleConfig(V, L)) });
        const forward_ms = forwardMs(den, o.batch, L, 3);
        for (const topP of o.topPs) {
          const ours = () => {
            const t0 = performance.now();
            sample(den, ancestralPolicy(), { batch: o.batch, length: L, steps: o.steps, schedule: linear(), rng: new Rng(1), topP });
            return (performance.now() - t0) / o.steps;
          };
          const torch = () =>
            missing ? null : runPeer<{ step_ms: number; forward_ms: number }>(["--sample-scale", weights, "--batch", String(o.batch), "--steps", String(o.steps), "--top-p", String(topP), "--seed", "1", "--warmup", "0", "--threads", "1"], env);
          let ours_ms: number, peer: { step_ms: number; forward_ms: number } | null;
          if (cell++ % 2 === 0) [ours_ms, peer] = [ours(), torch()];
          else [peer, ours_ms] = [torch(), ours()];
          const row: ScaleRow = {
            vocab: V, length: L, top_p: topP, batch: o.batch, T: o.steps,
            ours_ms: +ours_ms.toFixed(1), torch_ms: peer ? peer.step_ms : null, ratio: peer ? +(peer.step_ms / ours_ms).toFixed(3) : null,
            forward_ms: +forward_ms.toFixed(1), torch_forward_ms: peer ? peer.forward_ms : null,
            sampler_ms: +(ours_ms - forward_ms).toFixed(1), ours_tokens_per_s: +((o.batch * L) / ((ours_ms * o.steps) / 1000)).toFixed(1),
          };
          o.log(`  V=${V} L=${L} top-p ${topP}: ours ${row.ours_ms} ms/step (forward ${row.forward_ms}), torch ${row.torch_ms ?? "—"} ms/step`);
          rows.push(row);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Peak RSS (MB) of a fresh process sampling V, L, B with T steps at top-p 0.9 (bench/sampler-scale-worker.ts). */
export function peakRss(V: number, L: number, B: number, T: number): { max_rss_mb: number; seconds: number } {
  const worker = join(dirname(fileURLToPath(import.meta.url)), "sampler-scale-worker.js");
  const r = spawnSync(process.execPath, [worker, String(V), String(L), String(B), String(T)], { encoding: "utf8", env: process.env });
  const line = r.stdout?.trim().split("\n").at(-1) ?? "";
  if (r.status !== 0 || !line.startsWith("{")) throw new Error(`${worker} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(line) as { max_rss_mb: number; seconds: number };
}
