/** The messages a sampling worker sends its parent (and the page receives as server-sent events). */
import type { SampleStats } from "../diffusion/samplers/index.js";
import type { Cell } from "./step-cells.js";

/** Sampling started: the request passed every check; sizes the page lays out. */
export interface StartMessage {
  type: "start";
  /** Sequences B. */
  batch: number;
  /** Cells per sequence (layout tokens: data tokens / q). */
  cellsPerSequence: number;
  /** Data tokens per cell (q, super-tokens) and state positions per cell (ℓ, sub-tokens). */
  tokensPerCell: number;
  positionsPerCell: number;
  /** Steps T per loop call, and the sampler spec in use. */
  steps: number;
  sampler: string;
  /** Milliseconds from the job's arrival at the worker to the end of step 0 (checkpoint loaded, request checked, step 0 run). */
  workerMs: number;
}

/** A loop call begins (block-wise methods make one per block): its cells start at `offset`, in this initial state. */
export interface CallMessage {
  type: "call";
  offset: number;
  cells: Cell[];
}

/** One step of a loop call (step = T: the final fill): the cells it changed. */
export interface StepMessage {
  type: "step";
  step: number;
  t: number;
  s: number;
  cells: Cell[];
}

/** Sampling finished: the decoded sequences, counters, and the oracle NLL per token of each (oracle datasets). */
export interface DoneMessage {
  type: "done";
  samples: string[];
  stats: SampleStats;
  seconds: number;
  oracleNll: number[] | null;
}

/** The request was refused (user: a bad request, answered 4xx) or sampling failed. */
export interface ErrorMessage {
  type: "error";
  user: boolean;
  message: string;
}

/** Any worker message. */
export type WorkerMessage = StartMessage | CallMessage | StepMessage | DoneMessage | ErrorMessage;
