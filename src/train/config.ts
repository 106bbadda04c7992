/** The training configuration: a JSON file validated by a zod schema, with defaults. */
import { z } from "zod";
import { UserError } from "../cli/user-error.js";
import { scheduleFromName } from "../diffusion/schedule.js";
import { readRegularFile } from "../data/read-file.js";
import { COUPLED_TASKS } from "../data/coupled.js";
import { SUDOKU_CELLS } from "../data/sudoku-solver.js";
import { MAX_SEED, TRAIN_SEED_OFFSET } from "../engine/seed.js";
import { methodSchema } from "../methods/registry.js";

const HMM_FIELDS = ["hmmSeed", "hmmHidden", "hmmStickiness", "hmmSize"] as const;
const MARKOV_FIELDS = ["markovSeed", "markovSymbols", "markovSize"] as const;
const COUPLED_FIELDS = ["coupledSeed", "coupledSize", "coupling"] as const;

/** Schema of a training config; unknown keys are rejected. */
export const TrainConfigSchema = z
  .object({
    seed: z.number().int().min(0).max(MAX_SEED - TRAIN_SEED_OFFSET).default(0),
    data: z
      .object({
        name: z.string().min(1).describe('dataset: "fortunes", "markov", "hmm", "text8", "sudoku", a coupled-token task, "text:<path>", "gpt2" or "gpt2:<token folder>"'),
        seqLen: z.number().int().min(2).max(65536),
        dir: z.string().min(1).optional().describe('prepared folder of "text8" or "sudoku" (default data/<name>; a relative path is read from the working directory)'),
        markovSeed: z.number().int().min(0).max(MAX_SEED).optional(),
        markovSymbols: z.number().int().min(2).max(26).optional(),
        markovSize: z.number().int().min(1000).optional(),
        hmmSeed: z.number().int().min(0).max(MAX_SEED).optional(),
        hmmHidden: z.number().int().min(1).max(64).optional(),
        hmmStickiness: z.number().min(0).lt(1).optional(),
        hmmSize: z.number().int().min(1000).optional(),
        coupledSeed: z.number().int().min(0).max(MAX_SEED).optional(),
        coupledSize: z.number().int().min(20).max(10_000_000).optional().describe("records of a coupled-token task"),
        coupling: z.number().min(0).max(1).optional().describe('p of "pairs-mixed": p·(k, k+1) pairs + (1 − p)·independent uniform'),
      })
      .strict()
      .refine((d) => d.name === "hmm" || HMM_FIELDS.every((k) => d[k] === undefined), {
        message: `${HMM_FIELDS.join(", ")} apply only to data.name "hmm"`,
      })
      .refine((d) => d.name !== "hmm" || MARKOV_FIELDS.every((k) => d[k] === undefined), {
        message: `${MARKOV_FIELDS.join(", ")} do not apply to data.name "hmm" (use hmmSeed, hmmHidden, hmmStickiness, hmmSize)`,
      })
      .refine((d) => d.name in COUPLED_TASKS || COUPLED_FIELDS.every((k) => d[k] === undefined), {
        message: `${COUPLED_FIELDS.join(", ")} apply only to the coupled-token tasks (data.name ${Object.keys(COUPLED_TASKS).map((n) => `"${n}"`).join(", ")})`,
      })
      .refine((d) => d.coupling === undefined || d.name === "pairs-mixed", { message: 'coupling applies only to data.name "pairs-mixed"' })
      .refine((d) => d.dir === undefined || d.name === "text8" || d.name === "sudoku", { message: 'dir applies only to data.name "text8" and "sudoku" (prepared folders)' })
      .refine((d) => d.name !== "sudoku" || d.seqLen === SUDOKU_CELLS, { message: `data.name "sudoku" needs data.seqLen ${SUDOKU_CELLS} (one grid per sequence)` }),
    model: z
      .object({
        d: z.number().int().positive(),
        layers: z.number().int().positive(),
        heads: z.number().int().positive(),
        cond: z.number().int().positive().default(128),
        dropout: z.number().min(0).max(0.9).default(0),
        timeConditioning: z.boolean().default(false),
      })
      .strict()
      .refine((m) => m.d % m.heads === 0 && (m.d / m.heads) % 2 === 0, {
        message: "d must be divisible by heads, with an even head dimension (rotary embedding)",
      }),
    diffusion: z
      .object({
        schedule: z
          .string()
          .default("linear")
          .superRefine((name, ctx) => {
            try {
              scheduleFromName(name);
            } catch (e) {
              ctx.addIssue({ code: "custom", message: (e as Error).message });
            }
          }),
        timeSampling: z.enum(["antithetic", "stratified"]).default("antithetic"),
        tMin: z.number().min(0).max(0.5).default(1e-3),
      })
      .strict()
      .prefault({}),
    method: methodSchema.default({ name: "md4" }),
    train: z
      .object({
        steps: z.number().int().positive(),
        batch: z.number().int().positive(),
        lr: z.number().positive().max(1),
        minLr: z.number().nonnegative().default(0),
        warmup: z.number().int().nonnegative().default(100),
        weightDecay: z.number().nonnegative().default(0),
        beta1: z.number().min(0).lt(1).default(0.9),
        beta2: z.number().min(0).lt(1).default(0.999),
        gradClip: z.number().positive().nullable().default(1),
        ema: z.number().min(0).lt(1).default(0.999),
        evalEvery: z.number().int().positive().default(200),
        evalSequences: z.number().int().positive().default(64),
        checkpointEvery: z.number().int().positive().default(500),
        keepCheckpoints: z.number().int().positive().default(2),
        logEvery: z.number().int().positive().default(10),
      })
      .strict(),
  })
  .strict();

/** A validated training configuration. */
export type TrainConfig = z.infer<typeof TrainConfigSchema>;

/** Validates a parsed JSON value; throws a UserError naming each bad field and what is expected. */
export function parseTrainConfig(value: unknown, where = "config"): TrainConfig {
  const r = TrainConfigSchema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    if (i.code === "unrecognized_keys") return i.keys.map((k) => `  ${[...i.path, k].join(".")}: unknown field (not part of the schema)`).join("\n");
    return `  ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`;
  });
  throw new UserError(`${where} is not a valid training config:\n${lines.join("\n")}`);
}

/** The largest config file loadTrainConfig reads (a real one is under 1 KiB). */
export const MAX_CONFIG_BYTES = 2 ** 20;

/** Reads and validates a JSON config file (a regular file of at most MAX_CONFIG_BYTES). */
export function loadTrainConfig(path: string): TrainConfig {
  // a regular file of at most 1 MiB: --config /dev/zero or a FIFO used to hang, a directory gave EISDIR
  const text = readRegularFile(path, { what: "config", maxBytes: MAX_CONFIG_BYTES }).toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`config ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseTrainConfig(json, `config ${path}`);
}
