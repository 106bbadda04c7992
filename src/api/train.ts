/** Training from code: a config object in, a trained model out, with progress callbacks and an AbortSignal. */
import { UserError } from "../errors.js";
import type { NelboReport } from "../eval/evaluate.js";
import { parseTrainConfig } from "../train/config.js";
import { configDataset } from "../train/config-dataset.js";
import { checkSplitsFit } from "../train/data-fit.js";
import { checkRunDir } from "../train/run-dir.js";
import { train as runTraining, type StepReport } from "../train/trainer.js";
import { checkInteger } from "./check-option.js";
import { loadModelOn, type LoadedModel } from "./load-model.js";

/** Options of train. */
export interface TrainRunOptions {
  /** The run directory: checkpoints (ckpt-*.safetensors) and log.jsonl go there. */
  out: string;
  /** Continue from the newest checkpoint in `out` (the config must match it, except its train section). */
  resume?: boolean;
  /** Stop, with a checkpoint, after this step. */
  stopAfter?: number;
  /** Called after every step. */
  onProgress?: (step: StepReport) => void;
  /** Called after each validation (EMA weights, the method's first bound). */
  onEval?: (step: number, report: NelboReport) => void;
  /** Receives warnings, e.g. a damaged checkpoint skipped on resume (default: not shown). */
  onWarning?: (message: string) => void;
  /** Aborting it ends the run after the current step, with a checkpoint; the result then has `aborted: true`. */
  signal?: AbortSignal;
}

/** What train returns. */
export interface TrainRun {
  /** The trained model (EMA weights of the last checkpoint), ready to sample and evaluate. */
  model: LoadedModel;
  /** The last step run. */
  step: number;
  /** The last checkpoint written. */
  checkpoint: string;
  /** The last validation, or null if none ran. */
  valid: NelboReport | null;
  /** Whether the signal ended the run early. */
  aborted: boolean;
}

/** Trains the model a config describes (validated like a config file; the method from the registry) in one process. */
export async function train(config: unknown, options: TrainRunOptions): Promise<TrainRun> {
  if (typeof options?.out !== "string" || options.out === "") throw new UserError("train: options.out must name the run directory (a path)");
  const c = parseTrainConfig(config);
  const stopAfter = options.stopAfter === undefined ? undefined : checkInteger("stopAfter", options.stopAfter, 1);
  const data = configDataset(c);
  checkSplitsFit(data, c.data.seqLen);
  checkRunDir(options.out, "out");
  const r = await runTraining(c, data, {
    outDir: options.out, resume: options.resume, stopAfter, signal: options.signal,
    onStep: options.onProgress, onEval: options.onEval, onWarning: options.onWarning,
  });
  return { model: await loadModelOn(r.checkpoint, data), step: r.step, checkpoint: r.checkpoint, valid: r.lastValid, aborted: r.aborted };
}
