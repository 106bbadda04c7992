/**
 * The training loop, method-agnostic: the method's loss on random batches, AdamW with warm-up + cosine,
 * gradient clipping, EMA, periodic validation (EMA weights, the method's first bound), atomic
 * checkpoints and exact resume. It never names a method: it asks the registry.
 *
 * Data-parallel (TrainOptions.dataParallel): train.batch is the global batch; each of N ranks computes its
 * share of every global batch (its rows, its times and its loss noise, all drawn as for the whole batch), and
 * the gradients are averaged before the update, so N processes follow the trajectory of one process (dropout
 * excepted: its noise is drawn per share). Rank 0 alone reads and writes the run directory (lock, checkpoints,
 * log) and broadcasts its state at the start, so a run resumes with any number of processes.
 */
import { mkdirSync } from "node:fs";
import {
  getRngState, manualSeed, noGrad, Rng, setRngState, tensor, tidy, type Tensor,
} from "../engine/index.js";
import { scheduleFromName } from "../diffusion/schedule.js";
import { antithetic, stratified } from "../diffusion/time-sampling.js";
import { BatchReader, type BatchReaderState } from "../data/batch-reader.js";
import type { TokenDataset, TokenStream } from "../data/dataset.js";
import { boundReport, boundValues, type NelboReport } from "../eval/evaluate.js";
import type { MethodModel } from "../methods/method.js";
import { methodNamed } from "../methods/registry.js";
import { modelSchedule } from "../methods/model-schedule.js";
import { AdamW, clipGradNorm, Ema, warmupCosine } from "../optim/index.js";
import { UserError } from "../cli/user-error.js";
import type { TrainConfig } from "./config.js";
import { checkSeed, TRAIN_SEED_OFFSET } from "../engine/seed.js";
import { checkTrainMemory } from "../engine/memory-check.js";
import { describeFallback, listCheckpoints, newestValidCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { acquireRunLock } from "./run-lock.js";
import { checkSplitsFit } from "./data-fit.js";
import { RunLog } from "./run-log.js";
import { packageVersion } from "./version.js";
import { DataParallel } from "./data-parallel.js";

/** Options of one training run. */
export interface TrainOptions {
  outDir: string;
  /** Continue from the newest checkpoint in outDir. */
  resume?: boolean;
  /** Stop (with a checkpoint) after this global step, e.g. to test resuming. */
  stopAfter?: number;
  /** Called after every step with the step's numbers (progress bars). */
  onStep?: (s: StepReport) => void;
  /** Called after each validation. */
  onEval?: (step: number, r: NelboReport) => void;
  /** This process's place in a data-parallel run (default: a single process). */
  dataParallel?: DataParallel;
  /** Ends the run at the next step boundary, with a checkpoint, when aborted (single-process runs). */
  signal?: AbortSignal;
  /** Receives warnings, such as a checkpoint skipped on resume (default: none are shown). */
  onWarning?: (message: string) => void;
}

/** Numbers of one training step. */
export interface StepReport {
  step: number;
  totalSteps: number;
  loss: number;
  /** The objective the loss estimates (nats per token): the loss itself unless the method reports another value. */
  objective: number;
  /** The method's named loss terms (nats per token). */
  terms: Record<string, number>;
  lr: number;
  gradNorm: number;
  tokensPerS: number;
}

/** What a run ends with. */
export interface TrainResult {
  model: MethodModel;
  ema: Ema;
  step: number;
  lastValid: NelboReport | null;
  /** The last checkpoint written ("" on ranks other than 0, which write none). */
  checkpoint: string;
  /** Whether TrainOptions.signal ended the run before its last step. */
  aborted: boolean;
}

/** Builds, through the method registry, the model a config describes for a dataset with C real classes. */
export function buildModel(config: TrainConfig, classes: number): MethodModel {
  return methodNamed(config.method.name).build(config, classes);
}

function sameExceptTrain(a: TrainConfig, b: TrainConfig): string[] {
  const diffs: string[] = [];
  for (const k of ["seed", "data", "model", "diffusion", "method"] as const)
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) diffs.push(`${k}: checkpoint has ${JSON.stringify(a[k])}, config has ${JSON.stringify(b[k])}`);
  return diffs;
}

/** Trains (or resumes training of) a model on a dataset; returns the final state. The run directory is locked meanwhile. */
export async function train(config: TrainConfig, data: TokenDataset<TokenStream>, opts: TrainOptions): Promise<TrainResult> {
  const dp = opts.dataParallel ?? new DataParallel();
  preflight(config, data, dp);
  if (dp.rank !== 0) return trainLocked(config, data, opts, dp);
  let lock;
  try {
    await refuseEarly(config, opts); // before the lock file touches the run directory
    mkdirSync(opts.outDir, { recursive: true });
    lock = acquireRunLock(opts.outDir, { command: "train" });
  } catch (e) {
    dp.refuse((e as Error).message);
    throw e;
  }
  try {
    return await trainLocked(config, data, opts, dp);
  } finally {
    lock.release();
  }
}

/** The refusals that need no lock: checkpoints present without --resume, or a --resume whose config differs. */
async function refuseEarly(config: TrainConfig, opts: TrainOptions): Promise<void> {
  if (!opts.resume && listCheckpoints(opts.outDir).length)
    throw new UserError(`${opts.outDir} already holds checkpoints: pass --resume to continue that run, or choose another --out`);
  if (!opts.resume) return;
  const found = await newestValidCheckpoint(opts.outDir);
  if (!found) throw new UserError(`--resume: no checkpoint (ckpt-*.safetensors) in ${opts.outDir}`);
  const diffs = sameExceptTrain(found.meta.config, config);
  if (diffs.length) throw new UserError(`--resume: the config does not match checkpoint ${found.path}:\n  ${diffs.join("\n  ")}`);
}

/** The checks that need no run directory: seed range, data long enough for seqLen, batch divisible by the ranks, memory. */
function preflight(config: TrainConfig, data: TokenDataset<TokenStream>, dp: DataParallel): void {
  checkSeed(config.seed, "seed", TRAIN_SEED_OFFSET);
  checkSplitsFit(data, config.data.seqLen);
  const m = config.model;
  checkTrainMemory({ vocab: data.vocabSize + 1, d: m.d, layers: m.layers, heads: m.heads, cond: m.cond }, dp.share(config.train.batch).count, config.data.seqLen);
}

/** What rank 0 hands the other ranks at the start: the run's position, or why it did not start. */
type StartState = { refused: string } | { step: number; adamStep: number; rng: number[]; torchRng: string; data: BatchReaderState };

/** Loads the newest valid checkpoint of outDir into the run's objects (model, EMA, AdamW, reader, torch RNG); returns its step and time Rng. */
async function restoreCheckpoint(
  outDir: string,
  config: TrainConfig,
  data: TokenDataset<TokenStream>,
  { model, params, ema, opt, reader }: { model: MethodModel["network"]; params: [string, Tensor][]; ema: Ema; opt: AdamW; reader: BatchReader },
  onWarning?: (message: string) => void,
): Promise<{ step: number; rng: Rng }> {
  const shapes = Object.fromEntries(params.map(([n, p]) => [n, p.shape]));
  const found = await newestValidCheckpoint(outDir, shapes);
  if (!found) throw new UserError(`--resume: no checkpoint (ckpt-*.safetensors) in ${outDir}`);
  const { meta } = found;
  const tensors = found.tensors!;
  const diffs = sameExceptTrain(meta.config, config);
  if (diffs.length) throw new UserError(`--resume: the config does not match checkpoint ${found.path}:\n  ${diffs.join("\n  ")}`);
  const fallback = describeFallback(found);
  if (fallback) onWarning?.(fallback);
  model.loadStateDict(tensors.model);
  noGrad(() => ema.shadow.forEach((s, i) => s.copyInPlace(tensors.ema[params[i]![0]]!)));
  opt.loadState({ step: meta.adamStep, m: params.map(([n]) => tensors.adamM[n]!), v: params.map(([n]) => tensors.adamV[n]!) });
  for (const group of Object.values(tensors)) for (const t of Object.values(group as Record<string, Tensor>)) t.dispose();
  try {
    reader.restore(meta.data as BatchReaderState);
  } catch (e) {
    throw new UserError(`--resume: the data position stored in ${found.path} does not fit data '${data.name}' (did the data change since that checkpoint?): ${(e as Error).message}`);
  }
  setRngState(new Uint8Array(Buffer.from(meta.torchRng, "base64")));
  return { step: meta.step, rng: Rng.fromState(meta.rng) };
}

async function trainLocked(config: TrainConfig, data: TokenDataset<TokenStream>, opts: TrainOptions, dp: DataParallel): Promise<TrainResult> {
  const tc = config.train;
  const schedule = scheduleFromName(config.diffusion.schedule);
  manualSeed(config.seed);
  const method = methodNamed(config.method.name);
  const built = method.build(config, data.vocabSize);
  const model = built.network;
  const params = model.namedParameters();
  const opt = new AdamW(params.map(([, p]) => p), { lr: tc.lr, beta1: tc.beta1, beta2: tc.beta2, weightDecay: tc.weightDecay });
  const ema = new Ema(params.map(([, p]) => p), tc.ema);
  const reader = new BatchReader(data.splits.train, { batchSize: tc.batch, seqLen: config.data.seqLen, seed: config.seed + 1, recordLength: data.recordLength });
  let rng = new Rng(config.seed + 2);
  let step = 0;

  if (opts.resume && dp.rank === 0) {
    try {
      ({ step, rng } = await restoreCheckpoint(opts.outDir, config, data, { model, params, ema, opt, reader }, opts.onWarning));
    } catch (e) {
      dp.refuse((e as Error).message);
      throw e;
    }
  }

  const start: StartState | null = dp.rank === 0
    ? { step, adamStep: opt.step, rng: rng.state(), torchRng: Buffer.from(getRngState()).toString("base64"), data: reader.state() }
    : null;
  const got = dp.broadcastJson(start);
  if (got === null || "refused" in got) throw new UserError(`rank 0 did not start the run: ${got?.refused ?? "no state received"}`);
  if (dp.rank !== 0) {
    ({ step } = got);
    opt.step = got.adamStep;
    rng = Rng.fromState(got.rng);
    setRngState(new Uint8Array(Buffer.from(got.torchRng, "base64")));
    reader.restore(got.data);
  }
  dp.broadcastTensors([...params.map(([, p]) => p), ...ema.shadow, ...opt.m, ...opt.v]);

  const log = dp.rank === 0 ? new RunLog(opts.outDir, { resume: !!opts.resume }) : null;
  const denoiser = built.denoiser();
  const bound = method.bounds(config)[0]!;
  const validate = (): NelboReport =>
    ema.withAveraged(() => {
      const eo = { seqLen: config.data.seqLen, maxSequences: tc.evalSequences, schedule: modelSchedule(built, config), seed: config.seed + 3, tMin: 1e-3, steps: config.data.seqLen };
      const mine = boundValues(denoiser, bound, data.splits.valid, eo, { index: dp.rank, count: dp.worldSize });
      return boundReport(dp.sum(mine), bound, eo);
    });
  const checkpoint = () =>
    saveCheckpoint(
      opts.outDir,
      {
        config, step, rng: rng.state(), torchRng: Buffer.from(getRngState()).toString("base64"),
        data: reader.state(), adamStep: opt.step, version: packageVersion(),
      },
      {
        model: Object.fromEntries(params),
        ema: Object.fromEntries(params.map(([n], i) => [n, ema.shadow[i]!])),
        adamM: Object.fromEntries(params.map(([n], i) => [n, opt.m[i]!])),
        adamV: Object.fromEntries(params.map(([n], i) => [n, opt.v[i]!])),
      },
      tc.keepCheckpoints,
    );

  const drawTimes = config.diffusion.timeSampling === "antithetic" ? antithetic : stratified;
  const share = dp.share(tc.batch);
  const uniform = dp.uniform(share);
  const timesPerSequence = method.timesPerSequence?.(config) ?? 1;
  let lastValid: NelboReport | null = null;
  let lastPath = "";
  const end = Math.min(tc.steps, opts.stopAfter ?? Infinity);
  model.train();
  const aborted = () => opts.signal?.aborted === true;
  while (step < end && !aborted()) {
    const t0 = performance.now();
    opt.lr = warmupCosine(step, { peak: tc.lr, warmup: tc.warmup, total: tc.steps, min: tc.minLr });
    const batch = reader.next(share);
    // times of the whole global batch (k per sequence, sequence-major), this rank's rows sliced out
    const t = drawTimes(tc.batch * timesPerSequence, rng, config.diffusion.tMin).subarray(share.first * timesPerSequence, (share.first + share.count) * timesPerSequence);
    const local = tidy(() => {
      const x = tensor(batch.data, [share.count, config.data.seqLen], { dtype: "int64" });
      const out = built.loss({ x, t, schedule, uniform, step });
      out.loss.backward();
      const value = out.loss.item();
      return { loss: value, objective: out.objective ?? value, terms: out.terms };
    });
    const names = Object.keys(local.terms);
    const [loss, objective, ...means] = dp.mean([local.loss, local.objective, ...names.map((n) => local.terms[n]!)]) as [number, number, ...number[]];
    const terms = Object.fromEntries(names.map((n, i) => [n, means[i]!]));
    if (!Number.isFinite(loss)) throw new UserError(`training diverged at step ${step + 1}: the loss is ${loss}; nothing was saved over the last checkpoint (lower train.lr or raise train.warmup)`);
    dp.averageGradients(params);
    const gradNorm = tc.gradClip ? clipGradNorm(opt.params, tc.gradClip) : NaN;
    opt.update();
    opt.zeroGrad();
    ema.update();
    step++;
    const report = { step, totalSteps: tc.steps, loss, objective, terms, lr: opt.lr, gradNorm, tokensPerS: (tc.batch * config.data.seqLen) / ((performance.now() - t0) / 1000) };
    opts.onStep?.(report);
    if (step % tc.logEvery === 0) {
      const { terms: named, ...rest } = report;
      log?.write({ ...rest, ...named, bpc: objective / Math.LN2 });
    }
    if (step % tc.evalEvery === 0 || step === tc.steps) {
      lastValid = validate();
      log?.write({ step, valid: lastValid });
      opts.onEval?.(step, lastValid);
    }
    // a signal can only fire while the loop waits: give the event loop a turn after each step
    if (opts.signal) await new Promise((resolve) => setImmediate(resolve));
    if (dp.rank === 0 && (step % tc.checkpointEvery === 0 || step === end || aborted())) lastPath = await checkpoint();
  }
  if (!lastPath && dp.rank === 0) lastPath = listCheckpoints(opts.outDir).at(-1) ?? (await checkpoint());
  log?.close();
  return { model: built, ema, step, lastValid, checkpoint: lastPath, aborted: step < end };
}
