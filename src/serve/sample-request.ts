/** The body of POST /api/sample, validated with zod; sampler specs are checked by the samplers' own parser. */
import { z } from "zod";
import { parseSamplerSpec } from "../diffusion/samplers/index.js";
import { isValidSeed, seedRangeMessage } from "../engine/seed.js";
import { MAX_SAMPLE_STEPS, specWithOptions } from "../api/draw-samples.js";

/** Most sequences one request may ask for (each is drawn and streamed to the page). */
export const MAX_SERVE_SAMPLES = 64;

/** Schema of a sampling request. */
export const sampleRequestSchema = z
  .strictObject({
    checkpoint: z.string().min(1, "give a checkpoint path relative to --checkpoints"),
    sampler: z.string().min(1).default("ancestral"),
    /** Sampler spec keys (eta_cap, t_on, block, ...) and their values. */
    options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
    steps: z.int().min(1).max(MAX_SAMPLE_STEPS).optional(),
    n: z.int().min(1).max(MAX_SERVE_SAMPLES).default(1),
    seed: z.number().refine((s) => isValidSeed(s), { error: (i) => seedRangeMessage("the seed", i.input) }).default(0),
    topP: z.number().gt(0).lte(1).default(1),
    topPVariant: z.enum(["mdlm", "md4"]).default("mdlm"),
    grid: z.enum(["uniform", "cosine"]).optional(),
    length: z.int().min(1).optional(),
    template: z.string().min(1).optional(),
    decode: z.enum(["sample", "argmax"]).default("sample"),
    latent: z.enum(["fixed", "per-step"]).default("fixed"),
  })
  .transform((r, ctx) => {
    const values = Object.fromEntries(Object.entries(r.options).map(([k, v]) => [k, String(v)]));
    const spec = specWithOptions(r.sampler, values);
    try {
      parseSamplerSpec(spec);
    } catch (e) {
      ctx.addIssue({ code: "custom", path: Object.keys(r.options).length > 0 ? ["sampler", "options"] : ["sampler"], message: (e as Error).message });
      return z.NEVER;
    }
    return { ...r, spec };
  });

/** A validated sampling request, with the full sampler spec (name plus options). */
export type SampleRequest = z.output<typeof sampleRequestSchema>;

/** One line naming the field of each problem, e.g. "steps: Too small: expected number to be >=1". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
}
