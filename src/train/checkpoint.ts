/**
 * Checkpoints: one safetensors file per step holding the model, its EMA and the AdamW moments,
 * with the config, step, RNG states and data position in the metadata. Written atomically;
 * validated before any tensor is read.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadSafetensors, readSafetensorsHeader, saveSafetensors, type Tensor } from "../engine/index.js";
import { UserError } from "../cli/user-error.js";
import { parseTrainConfig, type TrainConfig } from "./config.js";

/** Identifies maskdiff checkpoints in the metadata. */
export const CHECKPOINT_FORMAT = "maskdiff-checkpoint/1";

/** Everything a checkpoint stores besides tensors. */
export interface CheckpointMeta {
  config: TrainConfig;
  step: number;
  /** State of the JavaScript Rng (time sampling). */
  rng: number[];
  /** libtorch generator state (masks, dropout), base64. */
  torchRng: string;
  /** Position of the training batch reader. */
  data: unknown;
  /** AdamW's step count. */
  adamStep: number;
  version: string;
}

/** Tensors of a checkpoint grouped by role, keyed by parameter name. */
export interface CheckpointTensors {
  model: Record<string, Tensor>;
  ema: Record<string, Tensor>;
  adamM: Record<string, Tensor>;
  adamV: Record<string, Tensor>;
}

const prefixes = { model: "model.", ema: "ema.", adamM: "adam.m.", adamV: "adam.v." } as const;

/** The checkpoint file name for a step (zero-padded so names sort by step). */
export function checkpointName(step: number): string {
  return `ckpt-${String(step).padStart(8, "0")}.safetensors`;
}

/** Checkpoint files in dir, oldest first. */
export function listCheckpoints(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /^ckpt-\d{8}\.safetensors$/.test(n)).sort().map((n) => join(dir, n));
}

/** Writes dir/ckpt-<step>.safetensors atomically, then deletes all but the newest `keep` checkpoints. */
export async function saveCheckpoint(dir: string, meta: CheckpointMeta, tensors: CheckpointTensors, keep: number): Promise<string> {
  const flat: Record<string, Tensor> = {};
  for (const role of Object.keys(prefixes) as (keyof CheckpointTensors)[])
    for (const [n, t] of Object.entries(tensors[role])) flat[prefixes[role] + n] = t;
  const path = join(dir, checkpointName(meta.step));
  await saveSafetensors(path, flat, {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(meta.config),
    step: String(meta.step),
    rng: JSON.stringify(meta.rng),
    torch_rng: meta.torchRng,
    data: JSON.stringify(meta.data),
    adam_step: String(meta.adamStep),
    version: meta.version,
  });
  const all = listCheckpoints(dir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old, { force: true });
  return path;
}

function parseMeta(path: string, m: Record<string, string>): CheckpointMeta {
  if (m.format !== CHECKPOINT_FORMAT)
    throw new UserError(`${path} is not a maskdiff checkpoint (metadata format is ${JSON.stringify(m.format ?? null)}, expected "${CHECKPOINT_FORMAT}")`);
  try {
    return {
      config: parseTrainConfig(JSON.parse(m.config!), `the config stored in ${path}`),
      step: Number(m.step),
      rng: JSON.parse(m.rng!) as number[],
      torchRng: m.torch_rng!,
      data: JSON.parse(m.data!),
      adamStep: Number(m.adam_step),
      version: m.version ?? "unknown",
    };
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${path}: corrupt checkpoint metadata (${(e as Error).message})`);
  }
}

/** Reads only the metadata (validating the header), without loading tensors. */
export async function readCheckpointMeta(path: string): Promise<CheckpointMeta> {
  try {
    return parseMeta(path, (await readSafetensorsHeader(path)).metadata);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read checkpoint: ${(e as Error).message}`);
  }
}

/** Loads a checkpoint; `expected` (name -> shape) is checked against the stored model tensors first. */
export async function loadCheckpoint(path: string, expected: Record<string, number[]>): Promise<{ meta: CheckpointMeta; tensors: CheckpointTensors }> {
  let header;
  try {
    header = await readSafetensorsHeader(path);
  } catch (e) {
    throw new UserError(`cannot read checkpoint: ${(e as Error).message}`);
  }
  const meta = parseMeta(path, header.metadata);
  const stored = new Map(header.entries.map((e) => [e.name, e.shape]));
  const problems: string[] = [];
  for (const role of Object.values(prefixes))
    for (const [n, shape] of Object.entries(expected)) {
      const s = stored.get(role + n);
      if (!s) problems.push(`missing ${role + n}`);
      else if (s.join() !== shape.join()) problems.push(`${role + n} has shape [${s.join(", ")}], the model needs [${shape.join(", ")}]`);
    }
  if (problems.length) throw new UserError(`checkpoint ${path} does not match the model: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ""}`);
  const { tensors } = await loadSafetensors(path);
  const out: CheckpointTensors = { model: {}, ema: {}, adamM: {}, adamV: {} };
  for (const [name, t] of Object.entries(tensors)) {
    const role = (Object.keys(prefixes) as (keyof CheckpointTensors)[]).find((r) => name.startsWith(prefixes[r]));
    if (role) out[role][name.slice(prefixes[role].length)] = t;
  }
  return { meta, tensors: out };
}
