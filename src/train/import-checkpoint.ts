/** `maskdiff import <format>`: a public MDLM-family DiT file -> a maskdiff checkpoint (EMA weights) of the method that declares the format. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { getRngState, loadSafetensors, readSafetensorsHeader, saveSafetensors, Rng, type Tensor } from "../engine/index.js";
import { UserError } from "../cli/user-error.js";
import { datasetFromName } from "../data/registry.js";
import type { ImportFormat } from "../methods/method.js";
import { importFormatNamed, methodNamed } from "../methods/registry.js";
import { checkMdlmLayout, checkRotaryBuffer, mdlmToDiT } from "../models/mdlm-weights.js";
import { checkpointMetadata, rolePrefix, type CheckpointMeta } from "./checkpoint.js";
import { parseTrainConfig, type TrainConfig } from "./config.js";
import { packageVersion } from "./version.js";

/** What to import and how to describe it. */
export interface ImportOptions {
  /** The file's format, one a method declares as its importFormat (e.g. "mdlm": method md4; "bd3lm": method bd3). */
  arch: string;
  /** Attention heads (not recoverable from the tensors; default: config.json's n_heads, else 12 as in MDLM-small). */
  heads?: number;
  /** Sequence length L the model is used at (default: config.json's model_length, else 1024 as on OpenWebText). */
  length?: number;
  /** Formats with blocks (bd3lm): block size L′ (default: config.json's block_size). */
  block?: number;
  /** The dataset recorded in the checkpoint: "gpt2" (vocabulary only) or "gpt2:<dir>" (a held-out token folder to evaluate on). */
  data: string;
}

/** The settings of ImportOptions once config.json and the defaults have filled them in. */
type Settled = ImportOptions & { heads: number; length: number; format: ImportFormat };

/**
 * Fills heads, length and block from the Hugging Face config.json beside the weights when there is one (n_heads,
 * model_length, block_size); a flag that contradicts it, or a time-conditioned model (the importer feeds σ = 0, as
 * the public checkpoints are trained), is a UserError.
 */
function settle(from: string, o: ImportOptions, format: ImportFormat): Settled {
  const file = join(dirname(from), "config.json");
  let hf: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      hf = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new UserError(`${file} (beside --from) is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (hf.time_conditioning === true) throw new UserError(`${file} says time_conditioning: true; the importer supports the time-agnostic MDLM/BD3-LM models (σ fed as 0), as the public checkpoints are`);
  const pick = (flag: string, given: number | undefined, key: string, fallback: number | undefined): number | undefined => {
    const v = hf[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isSafeInteger(v))) throw new UserError(`${file}: ${key} is ${JSON.stringify(v)}, not an integer`);
    if (given !== undefined && v !== undefined && given !== v) throw new UserError(`${flag} ${given} contradicts ${key} = ${v} in ${file}`);
    return given ?? (v as number | undefined) ?? fallback;
  };
  const block = format.blocks ? pick("--block", o.block, "block_size", undefined) : o.block;
  return { ...o, format, heads: pick("--heads", o.heads, "n_heads", 12)!, length: pick("--length", o.length, "model_length", 1024)!, block };
}

/** The training config an imported model is described by (time-agnostic, as the public checkpoints are). */
function importedConfig(sizes: { d: number; layers: number; cond: number }, o: Settled): TrainConfig {
  return parseTrainConfig(
    {
      seed: 0,
      data: { name: o.data, seqLen: o.length },
      model: { d: sizes.d, layers: sizes.layers, heads: o.heads, cond: sizes.cond, dropout: 0, timeConditioning: false },
      diffusion: { schedule: "linear" },
      method: o.format.section(o.block),
      train: { steps: 1, batch: 1, lr: 1e-4 },
    },
    `the imported model's settings (heads ${o.heads}, length ${o.length}${o.block === undefined ? "" : `, block ${o.block}`})`,
  );
}

/**
 * Reads `from`, checks every tensor against the MDLM layout (one UserError naming the first that does not fit),
 * maps the weights onto maskdiff's DiT and writes `out`: a checkpoint holding them as the EMA weights, which is
 * what `sample` and `eval` load. Returns the config written.
 */
export async function importMdlmCheckpoint(from: string, out: string, options: ImportOptions): Promise<TrainConfig> {
  if (!existsSync(from) || !statSync(from).isFile()) throw new UserError(`--from ${from} is not a file`);
  const o = settle(from, options, importFormatNamed(options.arch).format);
  if (o.format.blocks && o.block === undefined) throw new UserError(`import ${o.arch} needs --block (the checkpoint's block size L′, e.g. 4, 8 or 16) or a config.json with block_size beside --from`);
  if (!o.format.blocks && o.block !== undefined) throw new UserError(`--block does not apply to import ${o.arch}: the format has no blocks`);
  let header;
  try {
    header = await readSafetensorsHeader(from);
  } catch (e) {
    throw new UserError(`--from ${from} is not a readable safetensors file: ${(e as Error).message}`);
  }
  const sizes = checkMdlmLayout(header.entries, from);
  if (sizes.d % o.heads !== 0 || (sizes.d / o.heads) % 2 !== 0) throw new UserError(`--heads ${o.heads} does not divide the file's width d = ${sizes.d} into an even head dimension`);
  const config = importedConfig(sizes, o);
  let vocab: number;
  try {
    vocab = datasetFromName(config.data.name, { seqLen: config.data.seqLen }).vocabSize;
  } catch (e) {
    throw new UserError(`--data ${o.data}: ${(e as Error).message}`);
  }
  if (vocab !== sizes.vocab - 1)
    throw new UserError(`${from}: tensor 'backbone.vocab_embed.embedding' has ${sizes.vocab} rows (${sizes.vocab - 1} tokens + the mask), but --data ${o.data} has ${vocab} tokens (GPT-2 models have 50258 rows)`);
  // every check of the file and the options comes first; nothing the user had is overwritten
  if (existsSync(out)) throw new UserError(`--out ${out} already exists; give another path (or delete it first)`);
  const model = methodNamed(config.method.name).build(config, sizes.vocab - 1);
  const { tensors } = await loadSafetensors(from);
  let weights: Record<string, Tensor> | null = null;
  try {
    checkRotaryBuffer(tensors, sizes.d / o.heads, from);
    weights = mdlmToDiT(tensors, sizes);
    model.network.loadStateDict(weights); // checks every name and shape against the network the config builds
    const meta: CheckpointMeta = {
      config, step: 0, rng: new Rng(config.seed).state(), torchRng: Buffer.from(getRngState()).toString("base64"),
      data: { rng: new Rng(config.seed + 1).state(), batches: 0, streamLength: 1, batchSize: config.train.batch, seqLen: config.data.seqLen },
      adamStep: 0, version: packageVersion(),
    };
    const flat = Object.fromEntries(Object.entries(weights).map(([n, t]) => [rolePrefix("ema") + n, t]));
    await saveSafetensors(out, flat, { ...checkpointMetadata(meta), imported_from: from, imported_arch: o.arch });
    return config;
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
    for (const t of Object.values(weights ?? {})) t.dispose();
    for (const p of model.network.parameters()) p.dispose();
  }
}
