/**
 * `npm run bench -- interop`: GPT-2 BPE encode/decode tokens/s (js-tiktoken), and the forward time per sampling step
 * of the MDLM-small architecture (L = 1024, d 768, 12 blocks, 12 heads, cond 128, vocabulary 50,258; random weights,
 * batch 1) — ours against the PyTorch reference of scripts/interop/mdlm_reference.py under Debian's torch, in
 * interleaved rounds — plus one full ancestral sampling step of ours (forward + the loop's work on 50,257 classes),
 * and the time to sample 1,024 tokens with T = 1,024 these imply.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { getNumThreads, manualSeed, noGrad, randint, randn, zeros } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { gpt2Decode, gpt2Encode } from "../src/data/gpt2-tokenizer.js";
import { linear } from "../src/diffusion/schedules.js";
import { ancestralPolicy, sample } from "../src/diffusion/samplers/index.js";
import { tokenLayout } from "../src/diffusion/state-layout.js";
import { consistentSet } from "../src/diffusion/parameterization.js";
import { DiT } from "../src/models/dit.js";
import { netDenoiser } from "../src/models/net-denoiser.js";
import { benchEnv, torchPython } from "./peer.js";
import { median } from "./train-step.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SMALL = { vocab: 50258, d: 768, layers: 12, heads: 12, cond: 128 };

/** Encode and decode throughput on a text (the GPL-3 text Debian ships, repeated, or the project's README). */
function tokenizerThroughput(): { chars: number; tokens: number; encode_tokens_per_s: number; decode_tokens_per_s: number } {
  let base: string;
  try {
    base = readFileSync("/usr/share/common-licenses/GPL-3", "utf8");
  } catch {
    base = readFileSync(join(repo, "README.md"), "utf8");
  }
  const text = base.repeat(Math.ceil(2e6 / base.length));
  gpt2Encode(base); // loads the ranks
  let t0 = performance.now();
  const ids = gpt2Encode(text);
  const enc = (performance.now() - t0) / 1000;
  t0 = performance.now();
  gpt2Decode(ids);
  const dec = (performance.now() - t0) / 1000;
  return { chars: text.length, tokens: ids.length, encode_tokens_per_s: Math.round(ids.length / enc), decode_tokens_per_s: Math.round(ids.length / dec) };
}

/** The MDLM-small DiT with random weights (adaLN opened so that every block computes something). */
function smallNetwork(): DiT {
  manualSeed(0);
  const net = new DiT({ classes: SMALL.vocab - 1, d: SMALL.d, layers: SMALL.layers, heads: SMALL.heads, cond: SMALL.cond });
  noGrad(() => net.loadStateDict(Object.fromEntries(net.namedParameters().map(([n, p]) => [n, n.includes("ada") ? randn(p.shape).mul(0.02) : p]))));
  net.eval();
  return net;
}

/** Seconds of each of `reps` forwards of ours (after one warm-up), batch 1, half the tokens masked. */
function oursForward(net: DiT, L: number, reps: number): number[] {
  const z = randint(0, SMALL.vocab, [1, L]);
  const t = zeros([1]);
  const run = () => noGrad(() => net.forward(z, t).dispose());
  run();
  return Array.from({ length: reps }, () => {
    const t0 = performance.now();
    run();
    return (performance.now() - t0) / 1000;
  });
}

/** Seconds of each forward of the PyTorch reference (its own process: building 170M random weights is not timed). */
function referenceForward(L: number, reps: number): { seconds: number[]; threads: number; torch: string } {
  const args = [join(repo, "scripts/interop/mdlm_reference.py"), "--arch", "mdlm", "--bench", String(reps), "--vocab", String(SMALL.vocab), "--d", String(SMALL.d), "--layers", String(SMALL.layers), "--heads", String(SMALL.heads), "--cond", String(SMALL.cond), "--length", String(L), "--batch", "1"];
  // The same thread settings as ours: OpenBLAS's count as this process has it (unset: every core), libtorch's pool as MASKDIFF_TORCH_THREADS.
  const env = { ...benchEnv(process.env.OPENBLAS_NUM_THREADS ?? String(availableParallelism())), MASKDIFF_TORCH_THREADS: process.env.MASKDIFF_TORCH_THREADS ?? "1" };
  const r = spawnSync(torchPython, args, { encoding: "utf8", maxBuffer: 1 << 24, env });
  const line = r.stdout?.trim().split("\n").at(-1) ?? "";
  if (r.status !== 0 || !line.startsWith("{")) throw new Error(`${torchPython} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr ?? r.error}`);
  return JSON.parse(line) as { seconds: number[]; threads: number; torch: string };
}

/** Seconds per step of ours sampling T steps of ancestral (forward + the loop's work), batch 1. */
function oursSamplingStep(net: DiT, L: number, T: number): number {
  const layout = tokenLayout(SMALL.vocab - 1);
  const d = netDenoiser(net, layout, consistentSet(layout));
  const t0 = performance.now();
  const out = sample(d, ancestralPolicy(), { batch: 1, length: L, steps: T, schedule: linear(), rng: new Rng(1) });
  return (performance.now() - t0) / 1000 / out.stats.nfe;
}

/** Runs the interop benchmark with CLI-style arguments. */
export function benchInterop(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { rounds: { type: "string", default: "2" }, reps: { type: "string", default: "2" }, length: { type: "string", default: "1024" }, "sample-steps": { type: "string", default: "4" }, json: { type: "boolean", default: false } },
  });
  const [rounds, reps, L, T] = [values.rounds, values.reps, values.length, values["sample-steps"]].map(Number) as [number, number, number, number];
  const tok = tokenizerThroughput();
  const net = smallNetwork();
  const ours: number[] = [];
  const theirs: number[] = [];
  let peer = { threads: 0, torch: "" };
  for (let r = 0; r < rounds; r++) {
    ours.push(...oursForward(net, L, reps));
    const p = referenceForward(L, reps);
    theirs.push(...p.seconds);
    peer = p;
    process.stderr.write(`  round ${r + 1}: ours ${ours.slice(-reps).map((s) => s.toFixed(2)).join(", ")} s, reference ${p.seconds.map((s) => s.toFixed(2)).join(", ")} s\n`);
  }
  const step = oursSamplingStep(net, L, T);
  const fwd = median(ours);
  const ref = median(theirs);
  // With T = L and the linear schedule about 1 − 1/e of the steps reveal a token and need the network (ancestral
  // caching skips the others); every step costs at most one forward plus the loop's work.
  const expectedCalls = Math.round(L * (1 - Math.pow(1 - 1 / L, L)));
  const row = {
    bench: "interop", tokenizer: tok, length: L, rounds, reps, openblas_threads: process.env.OPENBLAS_NUM_THREADS ?? "unset (every core)", ours_threads: getNumThreads(), torch_threads: peer.threads, torch: peer.torch,
    ours_forward_s: +fwd.toFixed(3), reference_forward_s: +ref.toFixed(3), ratio_reference_to_ours: +(ref / fwd).toFixed(3),
    ours_sampling_step_s: +step.toFixed(3), sampling_step_T: T,
    estimate_1024_tokens_T1024_min: { upper: +((1024 * step) / 60).toFixed(1), expected_with_caching: +((expectedCalls * step) / 60).toFixed(1), network_calls_expected: expectedCalls },
  };
  if (values.json) return console.log(JSON.stringify(row));
  console.log(`GPT-2 BPE (js-tiktoken): encode ${tok.encode_tokens_per_s.toLocaleString("en")} tokens/s, decode ${tok.decode_tokens_per_s.toLocaleString("en")} tokens/s (${tok.tokens.toLocaleString("en")} tokens)`);
  console.log(`MDLM-small forward, L = ${L}, batch 1, median of ${rounds} × ${reps}, OpenBLAS threads ${row.openblas_threads} on both sides:`);
  console.log("| | seconds per forward |");
  console.log("|---|---|");
  console.log(`| maskdiff (libtorch ${getNumThreads()} threads) | ${fwd.toFixed(3)} |`);
  console.log(`| PyTorch reference (torch ${peer.torch}, ${peer.threads} threads) | ${ref.toFixed(3)} |`);
  console.log(`| maskdiff, one ancestral sampling step (forward + loop, T = ${T}) | ${step.toFixed(3)} |`);
  console.log(`1,024 tokens with T = 1,024: at most ${row.estimate_1024_tokens_T1024_min.upper} min; about ${row.estimate_1024_tokens_T1024_min.expected_with_caching} min with ancestral caching (~${expectedCalls} network calls)`);
}
