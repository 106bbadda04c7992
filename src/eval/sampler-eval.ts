/**
 * Sampler evaluation on the HMM oracle: for each (sampler, T) draw N sequences from a denoiser and
 * score them against the true HMM (exact oracle NLL, unigram entropy, two-way trigram KL), with the
 * sampler's cost (NFE, non-cached NFE, seconds). A reference row scores N sequences of the HMM itself.
 */
import type { Denoiser } from "../diffusion/denoiser.js";
import type { SampleOptions } from "../diffusion/samplers/sample-options.js";
import type { GenerateResult } from "../methods/method.js";
import { idleStepStats } from "../diffusion/idle-steps.js";
import type { Schedule } from "../diffusion/schedule.js";
import { gridTime, sample, sequenceNfeSummary, type SamplerPolicy, type SampleStats } from "../diffusion/samplers/index.js";
import { Rng } from "../engine/rng.js";
import { entropyScores, markovCrossEntropyPerToken, modelBoundPerToken, type EntropyScores, type ModelEntropyOptions } from "./sampler-eval-entropy.js";
import type { OracleReference } from "./sampler-eval-oracle.js";
import { resultManifest, type ManifestFields, type ResultManifest } from "./manifest.js";
import { policyFromSpec } from "./sampler-eval-policy.js";
import { DEFAULT_TRIGRAM_ALPHA, scoreSamples, type SampleScores } from "./sampler-eval-score.js";

/** The name of the reference row (samples of the true HMM; T is null, NFE 0). */
export const REFERENCE_SAMPLER = "true-hmm";

/** One (sampler, T) result; key order is the JSON output's. */
export interface SamplerEvalRow extends SampleScores, EntropyScores {
  /** Sampler spec, or REFERENCE_SAMPLER. */
  sampler: string;
  /** Steps T (null for the reference row and for variable-step samplers, which take as many as they need). */
  T: number | null;
  /** Entropy rate of the HMM (SMB estimate), nats per token. */
  true_entropy: number;
  /** H(X_1..X_L)/L: the oracle NLL that perfect samples have on average. */
  true_window_entropy: number;
  /** Exact stationary unigram entropy H(X_1). */
  true_unigram_entropy: number;
  /** Logical network evaluations of one sample() call. */
  nfe: number;
  /** Real network calls (idle steps served from the cache are not counted). */
  nfe_noncached: number;
  /** Network rows per sequence: the measured per-sequence N-NFE (a sequence is re-predicted only after it changed). */
  nfe_per_sequence: number;
  /**
   * The closed form T − E[idle steps] of a sequence of L·ℓ positions (§3.9), for comparison; exact for ancestral sampling
   * up to the last steps. NaN when a method's own generator drew the samples (block by block: the formula does not apply).
   */
  nfe_per_sequence_formula: number;
  /** Network evaluations each sequence needed (SampleStats.sequenceNfe): mean, min and max over the N sequences (0 for the reference). */
  nfe_seq_mean: number;
  nfe_seq_min: number;
  nfe_seq_max: number;
  /** Wall time of the sample() call in seconds. */
  seconds: number;
  /** What decides the row's numbers (manifest.ts). */
  manifest: ResultManifest;
}

/** Options of evaluateSamplers. */
export interface SamplerEvalOptions {
  /** Sampler specs (see policyFromSpec). */
  samplers: readonly string[];
  /** Step counts T. */
  steps: readonly number[];
  /** Sequences per (sampler, T). */
  n: number;
  /** Seed: every (sampler, T) starts from Rng(seed) (common random numbers); the reference row too. */
  seed: number;
  /** The masking schedule the model was trained with. */
  schedule: Schedule;
  /** Nucleus mass (default 1: off). */
  topP?: number;
  /** Trigram smoothing pseudo-count (default DEFAULT_TRIGRAM_ALPHA). */
  trigramAlpha?: number;
  /** Draws the samples (default: the loop over the whole sequence, sample(denoiser, ...)); a method's own generator (block diffusion). */
  generate?: (policy: SamplerPolicy, opts: SampleOptions) => GenerateResult;
  /** Include the reference row first (default true). */
  reference?: boolean;
  /** Manifest fields common to every row (method, checkpoint); sampler, top-p, N, seed and t range are filled in per row. */
  manifest?: ManifestFields;
  /** The model's entropy bound (see sampler-eval-entropy.ts) at the row's T (the reference row: T = L); absent: NaN columns. */
  entropy?: Omit<ModelEntropyOptions, "steps" | "schedule">;
  /** Order and add-alpha of the cross-fitted Markov entropy bound (default MARKOV_ENTROPY). */
  markov?: { order: number; alpha: number };
  /** A row already computed (e.g. read back from a resumed table): returned as is instead of being recomputed. */
  done?: (sampler: string, T: number | null) => SamplerEvalRow | undefined;
  /** Called after each computed row, e.g. for progress. */
  onRow?: (row: SamplerEvalRow) => void;
}

/** Default order and pseudo-count of the cross-fitted Markov entropy bound. */
export const MARKOV_ENTROPY = { order: 2, alpha: 0.1 } as const;

/** Splits flat [B·L] tokens into B sequences. */
function rows(tokens: Int32Array, B: number, L: number): Int32Array[] {
  return Array.from({ length: B }, (_, b) => tokens.subarray(b * L, (b + 1) * L));
}

/** Resolves every spec once, so that a bad one fails before any sampling. */
function checkSpecs(specs: readonly string[]): void {
  if (specs.length === 0) throw new Error("evaluateSamplers: no samplers given");
  for (const s of specs) policyFromSpec(s);
}

/** Runs every (sampler, T) and returns the rows (reference row first unless disabled). */
export function evaluateSamplers(denoiser: Denoiser, oracle: OracleReference, o: SamplerEvalOptions): SamplerEvalRow[] {
  const L = oracle.length;
  if (denoiser.layout.classes !== oracle.hmm.K) throw new Error(`evaluateSamplers: denoiser has ${denoiser.layout.classes} classes but the HMM emits ${oracle.hmm.K}`);
  if (!Number.isSafeInteger(o.n) || o.n < 1) throw new Error(`evaluateSamplers: n must be a positive integer, got ${o.n}`);
  if (o.steps.length === 0 || !o.steps.every((T) => Number.isSafeInteger(T) && T >= 1)) {
    throw new Error(`evaluateSamplers: steps must be positive integers, got [${o.steps.join(", ")}]`);
  }
  checkSpecs(o.samplers);
  const alpha = o.trigramAlpha ?? DEFAULT_TRIGRAM_ALPHA;
  const out: SamplerEvalRow[] = [];
  const ell = denoiser.layout.positionsPerToken;
  const topP = o.topP ?? 1;
  const emit = (sampler: string, T: number | null, seqs: Int32Array[] | Uint8Array[], stats: SampleStats | null, seconds: number, tRange: [number, number] | null, canonical = sampler): void => {
    const sc = scoreSamples(seqs, oracle, alpha, o.seed);
    const perSeq = stats ? sequenceNfeSummary(stats.sequenceNfe) : { mean: 0, min: 0, max: 0 };
    const formula = stats === null ? 0 : o.generate || T === null ? NaN : idleStepStats({ schedule: o.schedule, tokens: L / denoiser.layout.groupSize, ell, steps: T }).nonCachedNfe;
    const oracleNll = Array.from(seqs as ArrayLike<number>[], (q) => -oracle.hmm.logLikelihood(q) / L);
    const modelUb = o.entropy ? modelBoundPerToken(denoiser, seqs, { ...o.entropy, schedule: o.schedule, steps: T ?? L }) : new Float64Array(seqs.length).fill(NaN);
    const markov = o.markov ?? MARKOV_ENTROPY;
    const ent = entropyScores(oracleNll, modelUb, markovCrossEntropyPerToken(seqs, oracle.hmm.K, markov.order, markov.alpha));
    const row: SamplerEvalRow = {
      sampler, T, oracle_nll: sc.oracle_nll, oracle_nll_stderr: sc.oracle_nll_stderr, true_entropy: oracle.entropyRate,
      unigram_entropy: sc.unigram_entropy, trigram_kl: sc.trigram_kl, trigram_kl_stderr: sc.trigram_kl_stderr, trigram_kl_true_model: sc.trigram_kl_true_model,
      trigram_kl_model_true: sc.trigram_kl_model_true, nfe: stats?.nfe ?? 0, nfe_noncached: stats?.nfeNonCached ?? 0, seconds,
      nfe_per_sequence: (stats?.predictedRows ?? 0) / o.n, nfe_per_sequence_formula: formula,
      nfe_seq_mean: perSeq.mean, nfe_seq_min: perSeq.min, nfe_seq_max: perSeq.max,
      true_window_entropy: oracle.windowEntropy.mean, true_unigram_entropy: oracle.unigramEntropy, sample_entropy: sc.sample_entropy, sample_entropy_stderr: sc.sample_entropy_stderr, ...ent,
      manifest: resultManifest({
        ...o.manifest, estimator: "samples", sampler: canonical, n: o.n, seed: o.seed, t_range: tRange,
        ...(stats ? { top_p: topP, top_p_variant: "mdlm" } : {}),
      }),
    };
    out.push(row);
    o.onRow?.(row);
  };
  const resumed = (sampler: string, T: number | null): boolean => {
    const row = o.done?.(sampler, T);
    if (row) out.push(row);
    return row !== undefined;
  };
  if ((o.reference ?? true) && !resumed(REFERENCE_SAMPLER, null)) {
    const rng = new Rng(o.seed);
    const t0 = performance.now();
    const seqs = Array.from({ length: o.n }, () => oracle.hmm.sample(L, rng));
    emit(REFERENCE_SAMPLER, null, seqs, null, (performance.now() - t0) / 1000, null);
  }
  for (const spec of o.samplers) {
    // a variable-step sampler takes as many steps as it needs: one row, T = null
    const stepCounts = policyFromSpec(spec).untilDone ? [null] : o.steps;
    for (const T of stepCounts) {
      if (resumed(spec, T)) continue;
      const policy: SamplerPolicy = policyFromSpec(spec); // fresh per call: policies may keep per-call state
      const t0 = performance.now();
      const opts: SampleOptions = { batch: o.n, length: L, steps: T ?? 1, schedule: o.schedule, rng: new Rng(o.seed), topP: o.topP };
      const r = o.generate ? o.generate(policy, opts) : sample(denoiser, policy, opts);
      const seconds = (performance.now() - t0) / 1000;
      const seqs = "sequences" in r ? r.sequences : rows(r.tokens, o.n, L);
      const tMin = T === null ? 0 : gridTime(T, T, policy.grid ?? "uniform");
      emit(spec, T, seqs, r.stats, seconds, [tMin, 1], policy.name);
    }
  }
  return out;
}
