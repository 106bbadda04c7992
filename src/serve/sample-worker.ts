/**
 * The sampling worker: a child process (forked per job, ahead of it: see spare-worker.ts) that loads a checkpoint,
 * samples one request and streams every step to its parent over IPC. Killing it cancels the job and frees all its tensors with the process.
 */
import { hmmOracleOf } from "../data/hmm-dataset.js";
import { loadModel } from "../api/load-model.js";
import { UserError } from "../errors.js";
import type { StepTrace } from "../diffusion/samplers/index.js";
import type { SampleRequest } from "./sample-request.js";
import type { WorkerMessage } from "./sample-messages.js";
import { cellOf, changedCells } from "./step-cells.js";

/** A job as the parent sends it: the validated request with the checkpoint's real path. */
export interface WorkerJob {
  request: SampleRequest;
  checkpointPath: string;
}


/** Sends one message; resolves once it is handed to the IPC channel. */
function send(m: WorkerMessage): Promise<void> {
  return new Promise((done) => process.send!(m, () => done()));
}

/** Samples the job, streaming start, call, step and done messages. */
async function run(job: WorkerJob): Promise<void> {
  const received = performance.now();
  const r = job.request;
  const loaded = await loadModel(job.checkpointPath);
  const { data, model } = loaded;
  const layout = model.denoiser().layout;
  const { length, steps } = loaded.sampleSizes(r);
  let offset = 0;
  let callCells = 0;
  const onStep = (e: StepTrace, state: Int32Array): void => {
    const cells = state.length / layout.positionsPerToken;
    if (e.step === 0) {
      if (callCells === 0) {
        void send({ type: "start", batch: r.n, cellsPerSequence: length / layout.groupSize, tokensPerCell: layout.groupSize, positionsPerCell: layout.positionsPerToken, steps, sampler: r.spec, workerMs: performance.now() - received });
      }
      offset += callCells;
      callCells = cells;
      const initial = state.slice();
      for (const p of e.positions) initial[p] = layout.maskId; // step 0 only reveals or keeps: before it, its positions were masked
      void send({ type: "call", offset, cells: Array.from({ length: cells }, (_, i) => cellOf(layout, data, initial, i, offset)) });
    }
    void send({ type: "step", step: e.step, t: e.t, s: e.s, cells: changedCells(layout, data, state, e.positions, offset) });
  };
  const t0 = performance.now();
  const out = loaded.sample({
    n: r.n, sampler: r.spec, seed: r.seed, topP: r.topP, topPVariant: r.topPVariant, grid: r.grid, length: r.length, template: r.template,
    latent: r.latent, decode: r.decode, steps: r.steps, onStep,
  });
  const hmm = hmmOracleOf(data);
  await send({
    type: "done", samples: out.texts, stats: out.stats, seconds: (performance.now() - t0) / 1000,
    oracleNll: hmm === null ? null : out.tokens.map((t) => -hmm.logLikelihood(t) / t.length),
  });
}

process.once("disconnect", () => process.exit(0)); // the server went away while the job was loading
process.once("message", (job: WorkerJob) => {
  run(job)
    .catch((e: unknown) => send({ type: "error", user: e instanceof UserError, message: e instanceof Error ? e.message : String(e) }))
    .finally(() => process.disconnect());
});
