/** The `method` section of an MDM-Prime config. */
import { z } from "zod";

/** Schema of { name: "prime", ell, objective, group, joint }. */
export const primeSchema = z
  .object({
    name: z.literal("prime"),
    ell: z.number().int().min(1).max(16).describe("sub-tokens per token ℓ (each token written as ℓ base-b digits)"),
    objective: z
      .enum(["certified", "paper"])
      .default("certified")
      .describe('training objective: "certified" (per-digit bound, §3.7b) or "paper" (the joint form the official code trains)'),
    group: z
      .number()
      .int()
      .min(1)
      .max(4)
      .default(1)
      .describe("super-tokens (§3.11): q data tokens merged into one token of C^q classes before writing it as ℓ digits, so ℓ/q sub-tokens per data token"),
    joint: z
      .boolean()
      .default(true)
      .describe("output parameterization: true = C joint logits per token (§3.5); false = ℓ·b per-digit logits, digits independent given the state (FactorizedHead)"),
  })
  .strict();

/** A validated Prime method section. */
export type PrimeConfig = z.infer<typeof primeSchema>;
