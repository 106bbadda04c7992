/** GET /api/checkpoints: every checkpoint below --checkpoints with what its page form needs (method, data, samplers and their options). */
import type { FastifyInstance } from "fastify";
import { samplerOptionKeys, specKeys } from "../diffusion/samplers/index.js";
import { methodNamed } from "../methods/registry.js";
import { readCheckpointMeta } from "../train/checkpoint.js";
import { MAX_SERVE_SAMPLES } from "./sample-request.js";
import { relativeName } from "./safe-path.js";
import { filesBelow } from "./tree-walk.js";

/** One spec option of a sampler: its key, value kind (number, integer, boolean or a list of words) and default. */
export interface SamplerOptionInfo {
  key: string;
  kind: string | readonly string[];
  def: number | string | boolean;
}

/** A checkpoint as the page lists it. */
export interface CheckpointInfo {
  path: string;
  step: number;
  method: string;
  data: string;
  seqLen: number;
  /** The samplers its method supports, each with its options. */
  samplers: { name: string; options: SamplerOptionInfo[] }[];
  samplerLimits: string | null;
}

/** The checkpoint's entry; a file that is no readable checkpoint gives its error instead. */
async function describeCheckpoint(root: string, file: string): Promise<CheckpointInfo | { path: string; error: string }> {
  const path = relativeName(root, file);
  try {
    const meta = await readCheckpointMeta(file);
    const method = methodNamed(meta.config.method.name);
    const samplers = method.samplers(meta.config).map((name) => ({
      name,
      options: samplerOptionKeys(name).map((key) => ({ key, kind: specKeys[key].kind, def: specKeys[key].def })),
    }));
    return {
      path, step: meta.step, method: method.name, data: meta.config.data.name, seqLen: meta.config.data.seqLen, samplers, samplerLimits: method.samplerLimits ?? null,
    };
  } catch (e) {
    return { path, error: (e as Error).message };
  }
}

/** Registers the route. */
export function checkpointListRoute(app: FastifyInstance, root: string): void {
  app.get("/api/checkpoints", async () => ({
    maxSamples: MAX_SERVE_SAMPLES,
    checkpoints: await Promise.all(filesBelow(root, (n) => n.endsWith(".safetensors")).map((f) => describeCheckpoint(root, f))),
  }));
}
