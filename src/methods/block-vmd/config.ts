/**
 * The `method` section of a block-wise VMD config: bd3's block size plus VMD's latent options (reused schemas). Like
 * VMD's, the encoder's shape, the latent size and the KL weighting are our choices; one latent per block is the paper's.
 */
import { z } from "zod";
import { bd3Schema } from "../bd3/config.js";
import { vmdSchema } from "../vmd/config.js";

/** Schema of { name: "block-vmd", block, latentDim, encoder, beta, klWeight, klWarmup }. */
export const blockVmdSchema = z
  .object({ name: z.literal("block-vmd") })
  .extend(bd3Schema.pick({ block: true }).shape)
  .extend(vmdSchema.omit({ name: true }).shape)
  .strict();

/** A validated block-wise VMD method section. */
export type BlockVmdConfig = z.infer<typeof blockVmdSchema>;
