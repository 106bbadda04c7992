/**
 * Refusing, before anything is allocated, sizes that cannot fit in memory: a rough estimate of
 * the bytes a training step or a sampling run of a DiT needs, compared with the memory available.
 *
 * Formulas (float32, 4 bytes per element; V = vocab including the mask token, S = seqLen or
 * --length, B = batch or --n, D = d, C = cond, H = heads, N = layers):
 *
 *   parameters P = N·(12D² + 6DC + 11D) + V·D + D·(V−1) + (V−1) + 2DC + 2D + C² + 258C
 *     (per block qkv 3D² + proj D² + MLP 8D² + 5D + adaLN 6DC + 6D; token embedding V·D;
 *      time MLP 256C + C + C² + C; head adaLN 2DC + 2D and output D·(V−1) + (V−1))
 *
 *   training  = 4·5P                                   weights, gradients, EMA, AdamW m and v
 *             + 2 · 4·B·S·(N·(32D + 3HS) + 3V + 8D)     activations kept for backward (~32D per
 *                                                      token per block, the attention scores and
 *                                                      probabilities 3HS, the logits 3V), ×2 for
 *                                                      the gradients alive during backward
 *   sampling  = 4·2P                                   weights and their EMA copy
 *             + 4·B·S·(32D + 3HS + 3V + 8D) + 16·B·S   one block's temporaries at a time (no
 *                                                      autograd), the logits, token buffers
 *
 * It is an estimate of the order of magnitude (it ignores allocator slack and libtorch's
 * workspace), meant to turn "killed by the OOM killer an hour in" or a std::bad_alloc into one
 * message up front. The check passes when the estimate is at most `fraction` (default 0.9) of
 * the available memory: MemAvailable from /proc/meminfo (os.freemem() elsewhere), lowered to the
 * cgroup limit minus current usage when the process runs under a memory-limited cgroup.
 */
import { readFileSync } from "node:fs";
import { freemem, totalmem } from "node:os";
import { UserError } from "../cli/user-error.js";

/** The sizes of a DiT that matter for memory. `vocab` counts the mask token (data vocab + 1). */
export interface ModelSizes {
  vocab: number;
  d: number;
  layers: number;
  heads: number;
  cond: number;
}

/** An estimate, in bytes. */
export interface MemoryEstimate {
  parameters: number;
  /** Bytes that do not depend on the batch (weights and optimizer state). */
  fixedBytes: number;
  /** Bytes per sequence of the batch. */
  perSequenceBytes: number;
  /** fixedBytes + batch · perSequenceBytes. */
  totalBytes: number;
}

/** The number of parameters of a DiT with these sizes (exact for the default seams). */
export function ditParameterCount(m: ModelSizes): number {
  const { vocab: V, d: D, layers: N, cond: C } = m;
  return N * (12 * D * D + 6 * D * C + 11 * D) + V * D + D * (V - 1) + (V - 1) + 2 * D * C + 2 * D + C * C + 258 * C;
}

function perTokenActivations(m: ModelSizes, seqLen: number, layers: number): number {
  return layers * (32 * m.d + 3 * m.heads * seqLen) + 3 * m.vocab + 8 * m.d;
}

/** Bytes for training with batch sequences of seqLen tokens. */
export function estimateTrainBytes(m: ModelSizes, batch: number, seqLen: number): MemoryEstimate {
  const parameters = ditParameterCount(m);
  const fixedBytes = 4 * 5 * parameters;
  const perSequenceBytes = 2 * 4 * seqLen * perTokenActivations(m, seqLen, m.layers);
  return { parameters, fixedBytes, perSequenceBytes, totalBytes: fixedBytes + batch * perSequenceBytes };
}

/** Bytes for sampling n sequences of length tokens (no autograd). */
export function estimateSampleBytes(m: ModelSizes, n: number, length: number): MemoryEstimate {
  const parameters = ditParameterCount(m);
  const fixedBytes = 4 * 2 * parameters;
  const perSequenceBytes = 4 * length * perTokenActivations(m, length, 1) + 16 * length;
  return { parameters, fixedBytes, perSequenceBytes, totalBytes: fixedBytes + n * perSequenceBytes };
}

function readNumber(path: string): number | null {
  try {
    const t = readFileSync(path, "utf8").trim();
    const n = Number(t);
    return t !== "" && Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Memory this process can still allocate, in bytes, and where the figure comes from. */
export function availableMemory(): { bytes: number; source: string } {
  let bytes = freemem();
  let source = "os.freemem()";
  try {
    const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync("/proc/meminfo", "utf8"));
    if (m) {
      bytes = Number(m[1]) * 1024;
      source = "MemAvailable in /proc/meminfo";
    }
  } catch {
    // not Linux
  }
  const limit = readNumber("/sys/fs/cgroup/memory.max") ?? readNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  const used = readNumber("/sys/fs/cgroup/memory.current") ?? readNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  if (limit !== null && limit < totalmem() && used !== null && limit - used < bytes) {
    bytes = Math.max(0, limit - used);
    source = "the cgroup memory limit";
  }
  return { bytes, source };
}

const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

/** Options of the checks. */
export interface MemoryCheckOptions {
  /** Bytes available (default: availableMemory()). */
  available?: number;
  /** Share of the available memory the estimate may use (default 0.9). */
  fraction?: number;
}

function check(kind: string, asked: string, est: MemoryEstimate, batchName: string, lengthName: string, length: number, opts: MemoryCheckOptions): void {
  const av = opts.available ?? availableMemory().bytes;
  const budget = av * (opts.fraction ?? 0.9);
  const sane = [est.parameters, est.fixedBytes, est.perSequenceBytes, est.totalBytes].every((x) => Number.isFinite(x) && x >= 0);
  if (sane && Number.isSafeInteger(Math.ceil(est.totalBytes)) && est.totalBytes <= budget) return;
  const need = sane ? `about ${gib(est.totalBytes)} (${gib(est.fixedBytes)} for ${est.parameters.toExponential(2)} parameters and their state, ${gib(est.perSequenceBytes)} per sequence)` : "more memory than can be addressed";
  const fitN = sane ? Math.floor((budget - est.fixedBytes) / est.perSequenceBytes) : 0;
  const fits = fitN >= 1
    ? `at most ${batchName} ${fitN} fits with these sizes`
    : sane && est.fixedBytes <= budget
      ? `not even ${batchName} 1 fits: one sequence of ${lengthName} ${length} needs ${gib(est.perSequenceBytes)} (reduce ${lengthName}, or d, layers or heads)`
      : `the model alone does not fit: reduce d, layers, cond or the vocabulary`;
  throw new UserError(`${kind} with ${asked} needs ${need}, but only ${gib(av)} of memory is available: ${fits}`);
}

/** Throws a UserError when training these sizes cannot fit in memory; says what batch would. */
export function checkTrainMemory(m: ModelSizes, batch: number, seqLen: number, opts: MemoryCheckOptions = {}): MemoryEstimate {
  const est = estimateTrainBytes(m, batch, seqLen);
  check("training", `batch ${batch}, seqLen ${seqLen}, d ${m.d}, layers ${m.layers}, heads ${m.heads}, cond ${m.cond}, vocab ${m.vocab}`, est, "batch", "seqLen", seqLen, opts);
  return est;
}

/** Throws a UserError when sampling n sequences of length tokens cannot fit; says what --n would. */
export function checkSampleMemory(m: ModelSizes, n: number, length: number, opts: MemoryCheckOptions = {}): MemoryEstimate {
  const est = estimateSampleBytes(m, n, length);
  check("sampling", `--n ${n}, --length ${length} (d ${m.d}, layers ${m.layers}, heads ${m.heads}, vocab ${m.vocab})`, est, "--n", "--length", length, opts);
  return est;
}
