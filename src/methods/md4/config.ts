/** The `method` section of an MD4 config: MD4 has no options beyond the shared diffusion section. */
import { z } from "zod";

/** Schema of { name: "md4" }. */
export const md4Schema = z.object({ name: z.literal("md4") }).strict();
