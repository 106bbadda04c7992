/**
 * `npm run bench -- samplers`: sampling throughput of every policy through the one loop, on the
 * quickstart-sized DiT (random weights, time-agnostic), at equal T: tokens/s, NFE, non-cached NFE.
 * The ancestral sampler is also run by the PyTorch peer (bench/torch_peer.py --sample: the same
 * policy with exact caching, on the same weights through safetensors), interleaved with ours over
 * --rounds rounds, which gives a throughput ratio like the engine bench's. Without PyTorch the peer
 * columns stay empty and one line on stderr says how to install it.
 *
 * First, the scale grid of bench/sampler-scale.ts (issue 16): JSON rows with vocab, length, top_p, ours_ms,
 * torch_ms, ratio (ours throughput / torch throughput), forward_ms, and one peak-RSS row of a V = 50,257,
 * L = 1,024, B = 4 run (--skip-scale / --skip-policies run one part only).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { manualSeed } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { saveSafetensors } from "../src/engine/safetensors.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { parseSamplerSpec, sample } from "../src/diffusion/samplers/index.js";
import { DiT } from "../src/models/dit.js";
import { netDenoiser } from "../src/models/net-denoiser.js";
import { benchConfigs, ditConfig } from "./configs.js";
import { consistentSet } from "../src/diffusion/parameterization.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { benchEnv, peerEnv, peerUnavailable, runPeer } from "./peer.js";
import { peakRss, scaleRows } from "./sampler-scale.js";
import { benchBd3 } from "./bd3.js";
import { resultManifest } from "../src/eval/manifest.js";

const defaultPolicies = "ancestral,confidence-prob,remdm-cap,remdm-rescale,remdm-conf,remdm-loop,remdm-loop-conf,fb,dfm,block-ancestral:block=16";

interface PeerSample {
  seconds: number;
  tokens_per_s: number;
  nfe: number;
  nfe_noncached: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs the sampler benchmark with CLI-style arguments. */
export async function benchSamplers(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      samplers: { type: "string", default: defaultPolicies },
      batch: { type: "string", default: "8" },
      steps: { type: "string", default: "" },
      rounds: { type: "string", default: "3" },
      "torch-allocator": { type: "string", default: "jemalloc" },
      "skip-scale": { type: "boolean", default: false },
      "skip-policies": { type: "boolean", default: false },
      "scale-vocabs": { type: "string", default: "27,1024,8192,50257" },
      "scale-lengths": { type: "string", default: "256,1024" },
      "scale-top-p": { type: "string", default: "1,0.9" },
      "scale-batch": { type: "string", default: "2" },
      "scale-steps": { type: "string", default: "4" },
      "rss-batch": { type: "string", default: "4" },
    },
  });
  const list = (x: string | undefined) => x!.split(",").map(Number);
  if (!values["skip-scale"]) {
    const log = (s: string) => process.stderr.write(s + "\n");
    const rows = await scaleRows({ vocabs: list(values["scale-vocabs"]), lengths: list(values["scale-lengths"]), topPs: list(values["scale-top-p"]), batch: Number(values["scale-batch"]), steps: Number(values["scale-steps"]), log });
    const rss = { peak_rss: true, vocab: 50257, length: 1024, batch: Number(values["rss-batch"]), T: 2, ...peakRss(50257, 1024, Number(values["rss-batch"]), 2) };
    if (values.json) {
      rows.forEach((r) => console.log(JSON.stringify({ ...r, manifest: resultManifest({ method: "md4", sampler: "ancestral", top_p: r.top_p, top_p_variant: "mdlm", n: Number(values["scale-batch"]), t_range: [0, 1] }) })));
      console.log(JSON.stringify({ ...rss, manifest: resultManifest({ method: "md4", sampler: "ancestral", n: Number(values["rss-batch"]), t_range: [0, 1] }) }));
    } else {
      console.log(`ancestral sampler at scale: one-layer DiT d = 64, B = ${values["scale-batch"]}, T = ${values["scale-steps"]}; ms per step (forward included); torch = MDLM's caching update (bench/torch_peer.py --sample-scale)`);
      console.log("| V | L | top-p | forward ms | ours ms/step | sampler ms (step − forward) | torch ms/step | ratio (torch ms / ours ms) |");
      console.log("|---|---|---|---|---|---|---|---|");
      for (const r of rows) console.log(`| ${r.vocab} | ${r.length} | ${r.top_p} | ${r.forward_ms} | ${r.ours_ms} | ${r.sampler_ms} | ${r.torch_ms ?? "—"} | ${r.ratio ?? "—"} |`);
      console.log(`peak RSS of a V = 50,257, L = 1,024, B = ${rss.batch}, T = 2 run (top-p 0.9): ${rss.max_rss_mb} MB (${rss.seconds} s)`);
    }
  }
  if (values["skip-policies"]) return;
  manualSeed(0);
  const cfg = benchConfigs.quickstart!;
  const model = new DiT(ditConfig(cfg)).eval();
  const layout = tokenLayout(cfg.vocab - 1);
  const denoiser = netDenoiser(model, layout, consistentSet(layout));
  const B = Number(values.batch), L = cfg.seq, T = Number(values.steps || L), rounds = Number(values.rounds);
  const schedule = scheduleFromName("linear");
  const log = (s: string) => process.stderr.write(s + "\n");
  const timed = (spec: string, seed: number) => {
    const t0 = performance.now();
    const r = sample(denoiser, parseSamplerSpec(spec), { batch: B, length: L, steps: T, schedule, rng: new Rng(seed) });
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, tokens_per_s: (B * L) / seconds, nfe: r.stats.nfe, nfe_noncached: r.stats.nfeNonCached };
  };

  // Ours and the peer on the ancestral sampler, interleaved, on the same weights and the same thread settings.
  const specs = values.samplers!.split(",");
  const missing = specs.includes("ancestral") ? peerUnavailable() : null;
  if (missing) log(`bench samplers: no PyTorch column: ${missing}`);
  const peerRun = !missing && specs.includes("ancestral");
  let versus: { ours: ReturnType<typeof timed>[]; torch: PeerSample[]; allocator: string } | null = null;
  if (peerRun) {
    const dir = mkdtempSync(join(tmpdir(), "maskdiff-sampler-bench-"));
    try {
      const weights = join(dir, "dit.safetensors");
      await saveSafetensors(weights, model.stateDict(), { config: JSON.stringify(cfg) });
      const { env, allocator } = peerEnv(benchEnv(process.env.OPENBLAS_NUM_THREADS ?? String(availableParallelism())), values["torch-allocator"]!);
      const torchThreads = process.env.MASKDIFF_TORCH_THREADS ?? "1";
      const ours: ReturnType<typeof timed>[] = [];
      const torch: PeerSample[] = [];
      timed("ancestral", 0); // warm-up, as the peer does one untimed run per round
      for (let r = 0; r < rounds; r++) {
        const oursRun = () => ours.push(timed("ancestral", r + 1));
        const torchRun = () =>
          torch.push(runPeer<PeerSample>(["--sample", weights, "--batch", String(B), "--steps", String(T), "--seed", String(r + 1), "--warmup", "1", "--threads", torchThreads], env));
        if (r % 2 === 0) { oursRun(); torchRun(); } else { torchRun(); oursRun(); }
        log(`  ancestral round ${r + 1}: ours ${ours.at(-1)!.tokens_per_s.toFixed(0)} tok/s, torch ${torch.at(-1)!.tokens_per_s.toFixed(0)} tok/s`);
      }
      versus = { ours, torch, allocator };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const rows = specs.map((spec) => {
    const runs = spec === "ancestral" && versus ? versus.ours : [timed(spec, 1)];
    const mid = runs[Math.floor(runs.length / 2)]!;
    const row: Record<string, unknown> = {
      sampler: spec, T, batch: B, length: L,
      seconds: +median(runs.map((o) => o.seconds)).toFixed(3), tokens_per_s: +median(runs.map((o) => o.tokens_per_s)).toFixed(1),
      nfe: mid.nfe, nfe_noncached: mid.nfe_noncached,
    };
    if (spec === "ancestral" && versus) {
      const torchTps = median(versus.torch.map((o) => o.tokens_per_s));
      Object.assign(row, {
        torch_tokens_per_s: +torchTps.toFixed(1), torch_nfe_noncached: versus.torch[Math.floor(versus.torch.length / 2)]!.nfe_noncached,
        ratio: +((row.tokens_per_s as number) / torchTps).toFixed(3), rounds, torch_allocator: versus.allocator,
      });
    }
    return row;
  });
  if (values.json) {
    rows.forEach((r) => console.log(JSON.stringify({ ...r, manifest: resultManifest({ method: "md4", sampler: parseSamplerSpec(r.sampler as string).name, top_p: 1, top_p_variant: "mdlm", n: B, seed: r.sampler === "ancestral" && versus ? undefined : 1, t_range: [0, 1] }) })));
    return benchBd3(["--json"]); // block diffusion: KV-cached generation and the 2L training pass
  }
  console.log(`quickstart-sized DiT (random weights, time-agnostic), B=${B}, L=${L}, T=${T}` +
    (versus ? `; ancestral vs PyTorch: median of ${rounds} interleaved rounds, PyTorch allocator ${versus.allocator}` : ""));
  console.log("| sampler | tokens/s | seconds | NFE | non-cached NFE | torch tokens/s | torch non-cached NFE | ratio (ours/torch throughput) |");
  console.log("|---|---|---|---|---|---|---|---|");
  const cell = (x: unknown) => (x === undefined ? "—" : String(x));
  for (const r of rows) {
    console.log(`| ${r.sampler} | ${r.tokens_per_s} | ${r.seconds} | ${r.nfe} | ${r.nfe_noncached} | ${cell(r.torch_tokens_per_s)} | ${cell(r.torch_nfe_noncached)} | ${cell(r.ratio)} |`);
  }
  benchBd3(values.json ? ["--json"] : []); // block diffusion: KV-cached generation and the 2L training pass
}
