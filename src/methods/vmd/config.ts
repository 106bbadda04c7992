/**
 * The `method` section of a VMD config. VMD has no public code: the latent size, the encoder's shape, the KL weight λ(t)
 * and its annealing are our choices (ALGORITHMS.md §5.3, VMD_DETAILS §5), not the paper's.
 */
import { z } from "zod";

/** Schema of { name: "vmd", latentDim, encoder, beta, klWeight, klWarmup }. */
export const vmdSchema = z
  .object({
    name: z.literal("vmd"),
    latentDim: z.number().int().min(1).max(512).default(16).describe("dimensions of the per-sequence latent z (ours: 16)"),
    encoder: z
      .object({
        d: z.number().int().positive().default(64),
        layers: z.number().int().positive().default(1),
        heads: z.number().int().positive().default(2),
      })
      .strict()
      .prefault({})
      .describe("the encoder q(z | x0, mask pattern): a small bidirectional DiT, mean-pooled (ours)"),
    beta: z.number().min(0).max(100).default(1).describe("KL weight β (1: the Jensen bound at one t)"),
    klWeight: z.enum(["constant", "time"]).default("constant").describe('λ(t) = β ("constant") or β·w(t), the ELBO weight, as VADD ("time")'),
    klWarmup: z.number().int().min(0).default(0).describe("steps over which the KL weight rises linearly from 0 (0: no annealing)"),
  })
  .strict();

/** A validated VMD method section. */
export type VmdConfig = z.infer<typeof vmdSchema>;
