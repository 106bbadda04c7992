/** The `method` section of a GenMD4 config. */
import { z } from "zod";

/** Schema of { name: "genmd4", eps, wInit }. */
export const genmd4Schema = z
  .object({
    name: z.literal("genmd4"),
    eps: z.number().min(0).max(0.1).default(1e-4).describe("α_v(1) = eps in training's forward process (the paper's 1e-4)"),
    wInit: z.number().positive().max(100).default(1).describe("initial exponent of every class (1 = the linear schedule)"),
  })
  .strict();

/** A validated GenMD4 method section. */
export type GenMD4Config = z.infer<typeof genmd4Schema>;
