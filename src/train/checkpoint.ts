/**
 * Checkpoints: one safetensors file per step holding the model, its EMA and the AdamW moments,
 * with the config, step, RNG states and data position in the metadata. Written atomically;
 * validated before any tensor is read.
 */
import { readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { getRngState, loadSafetensors, setRngState, readSafetensorsHeader, saveSafetensors, tidy, type DType, type Tensor } from "../engine/index.js";
import { removeStaleTempFiles } from "../engine/safetensors.js";
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

/**
 * Writes dir/ckpt-<step>.safetensors atomically, then deletes all but the newest `keep` checkpoints.
 * First removes the temporary files that killed writes left in dir (their writer's PID is dead).
 */
export async function saveCheckpoint(dir: string, meta: CheckpointMeta, tensors: CheckpointTensors, keep: number): Promise<string> {
  removeStaleTempFiles(dir);
  const flat: Record<string, Tensor> = {};
  for (const role of Object.keys(prefixes) as (keyof CheckpointTensors)[])
    for (const [n, t] of Object.entries(tensors[role])) flat[prefixes[role] + n] = t;
  const path = join(dir, checkpointName(meta.step));
  await saveSafetensors(path, flat, checkpointMetadata(meta));
  const all = listCheckpoints(dir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old, { force: true });
  return path;
}

/** The string metadata a checkpoint file stores for meta. */
export function checkpointMetadata(meta: CheckpointMeta): Record<string, string> {
  return {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(meta.config),
    step: String(meta.step),
    rng: JSON.stringify(meta.rng),
    torch_rng: meta.torchRng,
    data: JSON.stringify(meta.data),
    adam_step: String(meta.adamStep),
    version: meta.version,
  };
}

/** The name prefix of a role's tensors in a checkpoint file ("ema." for the EMA weights). */
export function rolePrefix(role: keyof CheckpointTensors): string {
  return prefixes[role];
}

/** A checkpoint file that is damaged (unreadable, inconsistent metadata or tensors, non-finite weights). */
export class CorruptCheckpointError extends UserError {}

/** Largest |value| accepted in a loaded tensor, per role (adam.v holds squared gradients). */
export const MAX_ABS_VALUE = { model: 1e6, ema: 1e6, adamM: 1e6, adamV: 1e12 } as const;

/** Upper bound on a stored step / AdamW step (far beyond any real run; rules out garbage). */
const MAX_STEP = 1e12;

const decimal = (max: number) =>
  z
    .string({ error: "is missing" })
    .regex(/^(0|[1-9][0-9]{0,15})$/, { error: (i) => `must be a non-negative integer in decimal, got ${JSON.stringify(i.input)}` })
    .transform(Number)
    .refine((n) => n <= max, { error: `must be at most ${max}` });

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string({ error: "is missing" })
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: `is not valid JSON: ${JSON.stringify(s.slice(0, 40))}` });
        return z.NEVER;
      }
    })
    .pipe(schema);

const int32 = z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1);
/** Rng.state(): the four 32-bit words of xoroshiro128+, not all zero (a stuck generator). */
const rngState = z
  .array(int32, { error: "must be an array of 32-bit integers (Rng.state())" })
  .length(4, { error: "must hold the 4 words of an Rng.state()" })
  .refine((a) => a.some((v) => v !== 0), { error: "is all zeros, which is not a state Rng.state() produces" });
const count = (what: string) => z.number({ error: `${what} must be a number` }).int().min(0).max(MAX_STEP);
const positive = (what: string) => z.number({ error: `${what} must be a number` }).int().min(1).max(2 ** 40);

/** Schema of the string metadata of a checkpoint (the config is validated by parseTrainConfig). */
const MetaSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  config: z.string({ error: "is missing" }),
  step: decimal(MAX_STEP),
  rng: json(rngState),
  torch_rng: z
    .string({ error: "is missing" })
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: "must be base64 text" })
    .refine((s) => s.length % 4 === 0, { error: "must be base64 text (length a multiple of 4)" }),
  data: json(
    z.object({
      rng: rngState,
      batches: count("batches"),
      streamLength: positive("streamLength"),
      batchSize: positive("batchSize"),
      seqLen: positive("seqLen"),
    }, { error: "must be a batch reader state object" }).strict(),
  ),
  adam_step: decimal(MAX_STEP),
  version: z.string().optional(),
});

function corrupt(path: string, field: string, what: string): CorruptCheckpointError {
  return new CorruptCheckpointError(`${path}: corrupt checkpoint metadata: field "${field}" ${what}`);
}

function parseMeta(path: string, m: Record<string, string>): CheckpointMeta {
  if (m.format !== CHECKPOINT_FORMAT)
    throw new CorruptCheckpointError(`${path} is not a maskdiff checkpoint (metadata format is ${JSON.stringify(m.format ?? null)}, expected "${CHECKPOINT_FORMAT}")`);
  const r = MetaSchema.safeParse(m);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const field = i.path.map(String).join(".") || "(metadata)";
    throw corrupt(path, field, i.message);
  }
  const v = r.data;
  let configJson: unknown;
  try {
    configJson = JSON.parse(v.config);
  } catch {
    throw corrupt(path, "config", "is not valid JSON");
  }
  let config: TrainConfig;
  try {
    config = parseTrainConfig(configJson, `the config stored in ${path}`);
  } catch (e) {
    throw new CorruptCheckpointError((e as Error).message);
  }
  if (v.step > config.train.steps) throw corrupt(path, "step", `is ${v.step}, beyond the run's train.steps ${config.train.steps}`);
  if (v.adam_step > v.step) throw corrupt(path, "adam_step", `is ${v.adam_step}, more than step ${v.step}`);
  if (v.data.batchSize !== config.train.batch) throw corrupt(path, "data.batchSize", `is ${v.data.batchSize}, but the stored config has train.batch ${config.train.batch}`);
  if (v.data.seqLen !== config.data.seqLen) throw corrupt(path, "data.seqLen", `is ${v.data.seqLen}, but the stored config has data.seqLen ${config.data.seqLen}`);
  if (v.data.batches > v.step) throw corrupt(path, "data.batches", `is ${v.data.batches}, more than step ${v.step}`);
  const torchBytes = Buffer.from(v.torch_rng, "base64").length;
  const want = getRngState().length;
  if (torchBytes !== want) throw corrupt(path, "torch_rng", `decodes to ${torchBytes} bytes, but a libtorch CPU generator state has ${want}`);
  checkTorchRngState(path, v.torch_rng);
  return {
    config,
    step: v.step,
    rng: v.rng,
    torchRng: v.torch_rng,
    data: v.data,
    adamStep: v.adam_step,
    version: v.version ?? "unknown",
  };
}

/** Throws a CorruptCheckpointError unless libtorch accepts `base64` as a generator state; the global generator is left as it was. */
function checkTorchRngState(path: string, base64: string): void {
  const saved = getRngState();
  try {
    setRngState(new Uint8Array(Buffer.from(base64, "base64")));
  } catch (e) {
    throw corrupt(path, "torch_rng", `is not a libtorch generator state (${(e as Error).message})`);
  } finally {
    setRngState(saved);
  }
}

/** Reads only the metadata (validating the header), without loading tensors. */
export async function readCheckpointMeta(path: string): Promise<CheckpointMeta> {
  let header;
  try {
    header = await readSafetensorsHeader(path);
  } catch (e) {
    throw new CorruptCheckpointError(`cannot read checkpoint: ${(e as Error).message}`);
  }
  return parseMeta(path, header.metadata);
}

/** Expected dtypes: one for every parameter, or per parameter name (missing names: float32). */
export type ExpectedDtypes = DType | Record<string, DType>;

/** The largest |x| of t (NaN if t holds a NaN); 0 for an empty tensor. */
function maxAbs(t: Tensor): number {
  if (t.size === 0) return 0;
  return tidy(() => t.abs().max().item());
}

/**
 * Loads a checkpoint. `expected` (name -> shape) and `dtypes` (default float32 for every
 * parameter) are checked against the stored tensors of each role in `roles` (default: all; sampling
 * and evaluation need only the EMA weights, which is all an imported model has) before any tensor is read;
 * after reading, every tensor must be finite and at most MAX_ABS_VALUE[role] in magnitude.
 * Shape mismatches throw a UserError (the checkpoint is of another model); damage throws a
 * CorruptCheckpointError naming the tensor.
 */
export async function loadCheckpoint(
  path: string,
  expected: Record<string, number[]>,
  dtypes: ExpectedDtypes = "float32",
  roles: readonly (keyof CheckpointTensors)[] = Object.keys(prefixes) as (keyof CheckpointTensors)[],
): Promise<{ meta: CheckpointMeta; tensors: CheckpointTensors }> {
  let header;
  try {
    header = await readSafetensorsHeader(path);
  } catch (e) {
    throw new CorruptCheckpointError(`cannot read checkpoint: ${(e as Error).message}`);
  }
  const meta = parseMeta(path, header.metadata);
  const stored = new Map(header.entries.map((e) => [e.name, e]));
  const dtypeOf = (n: string): DType => (typeof dtypes === "string" ? dtypes : dtypes[n] ?? "float32");
  const problems: string[] = [];
  const damage: string[] = [];
  for (const role of roles.map((r) => prefixes[r]))
    for (const [n, shape] of Object.entries(expected)) {
      const s = stored.get(role + n);
      if (!s) problems.push(`missing ${role + n}`);
      else if (s.shape.join() !== shape.join()) problems.push(`${role + n} has shape [${s.shape.join(", ")}], the model needs [${shape.join(", ")}]`);
      else if (s.dtype !== dtypeOf(n)) damage.push(`${role + n} is stored as ${s.dtype}, expected ${dtypeOf(n)}`);
    }
  const list = (p: string[]) => `${p.slice(0, 5).join("; ")}${p.length > 5 ? ` (and ${p.length - 5} more)` : ""}`;
  if (problems.length) throw new UserError(`checkpoint ${path} does not match the model: ${list(problems)}`);
  if (damage.length) throw new CorruptCheckpointError(`checkpoint ${path} is damaged: ${list(damage)}`);
  let tensors: Record<string, Tensor>;
  try {
    ({ tensors } = await loadSafetensors(path));
  } catch (e) {
    throw new CorruptCheckpointError(`cannot read checkpoint: ${(e as Error).message}`);
  }
  const out: CheckpointTensors = { model: {}, ema: {}, adamM: {}, adamV: {} };
  try {
    for (const [name, t] of Object.entries(tensors)) {
      const role = (Object.keys(prefixes) as (keyof CheckpointTensors)[]).find((r) => name.startsWith(prefixes[r]));
      if (!role) continue;
      if (t.dtype === "float32" || t.dtype === "float64") {
        const m = maxAbs(t);
        const limit = MAX_ABS_VALUE[role];
        if (Number.isNaN(m)) damage.push(`${name} holds NaN`);
        else if (m === Infinity) damage.push(`${name} holds ±Inf`);
        else if (m > limit) damage.push(`${name} holds |x| = ${m.toExponential(3)}, beyond the ${limit.toExponential(0)} a trained ${role === "adamV" ? "second moment" : "weight"} can have`);
      }
      out[role][name.slice(prefixes[role].length)] = t;
    }
    if (damage.length) throw new CorruptCheckpointError(`checkpoint ${path} is damaged: ${list(damage)}`);
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
  return { meta, tensors: out };
}

/** A checkpoint passed over by newestValidCheckpoint, and why. */
export interface SkippedCheckpoint {
  path: string;
  reason: string;
}

/** What newestValidCheckpoint found. */
export interface ValidCheckpoint {
  path: string;
  meta: CheckpointMeta;
  /** The loaded tensors, when `expected` shapes were passed (the caller owns and disposes them). */
  tensors?: CheckpointTensors;
  /** Newer checkpoints that were corrupt, newest first. */
  skipped: SkippedCheckpoint[];
}

/**
 * The newest checkpoint in dir that is not corrupt, walking back from the newest. With `expected`
 * shapes, each candidate is fully loaded and checked (dtypes, finite values) and its tensors are
 * returned; without, only the header and metadata are checked. A corrupt checkpoint is skipped
 * and named in `skipped`; any other error (e.g. a checkpoint of a different model) is thrown.
 * Returns null when dir holds no checkpoint; throws a UserError naming each one when all are corrupt.
 */
export async function newestValidCheckpoint(
  dir: string,
  expected?: Record<string, number[]>,
  dtypes: ExpectedDtypes = "float32",
): Promise<ValidCheckpoint | null> {
  const all = listCheckpoints(dir);
  if (!all.length) return null;
  const skipped: SkippedCheckpoint[] = [];
  for (const path of [...all].reverse()) {
    try {
      if (expected) {
        const { meta, tensors } = await loadCheckpoint(path, expected, dtypes);
        return { path, meta, tensors, skipped };
      }
      return { path, meta: await readCheckpointMeta(path), skipped };
    } catch (e) {
      if (!(e instanceof CorruptCheckpointError)) throw e;
      skipped.push({ path, reason: e.message });
    }
  }
  throw new UserError(`no valid checkpoint in ${dir}: all ${all.length} are corrupt:\n  ${skipped.map((s) => s.reason).join("\n  ")}`);
}

/** One line for the user saying which corrupt checkpoints were skipped and which one is used instead. */
export function describeFallback(found: ValidCheckpoint): string | null {
  if (!found.skipped.length) return null;
  const names = found.skipped.map((s) => basename(s.path)).join(", ");
  return `skipped corrupt checkpoint${found.skipped.length > 1 ? "s" : ""} ${names}; resuming from ${basename(found.path)} (step ${found.meta.step}) instead:\n  ${found.skipped.map((s) => s.reason).join("\n  ")}`;
}
