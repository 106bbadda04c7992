/** The `method` section of a block-diffusion (BD3-LM) config. */
import { z } from "zod";

/** Schema of { name: "bd3", block, clip }. */
export const bd3Schema = z
  .object({
    name: z.literal("bd3"),
    block: z
      .number()
      .int()
      .min(1)
      .describe("block size L′: tokens per block (1 = autoregressive, data.seqLen = MD4); a block size that does not divide data.seqLen leaves a short last block"),
    clip: z
      .tuple([z.number().min(0), z.number().max(1)])
      .refine(([lo, hi]) => lo < hi, { message: "clip [β, ω] needs β < ω" })
      .optional()
      .describe("training times clipped to [β, ω] (for the linear schedule, the masking rate); training only — the bounds integrate over all of [0, 1]"),
  })
  .strict();

/** A validated bd3 method section. */
export type Bd3Config = z.infer<typeof bd3Schema>;
