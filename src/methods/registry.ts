/** The one registry of methods: a method is a folder in src/methods plus one line here. */
import { z } from "zod";
import { UserError } from "../cli/user-error.js";
import type { ImportFormat, Method } from "./method.js";
import { md4 } from "./md4/index.js";
import { bd3 } from "./bd3/index.js";
import { prime } from "./prime/index.js";
import { genmd4 } from "./genmd4/index.js";
import { vmd } from "./vmd/index.js";
import { blockVmd } from "./block-vmd/index.js";

/** Every method, by name. */
export const methods: readonly Method[] = [md4, prime, genmd4, vmd, bd3, blockVmd];

/** Schema of a config's `method` section: one of the methods' own schemas, chosen by `name`. */
export const methodSchema = z.discriminatedUnion("name", methods.map((m) => m.schema) as unknown as [Method["schema"], ...Method["schema"][]], {
  error: () => `method.name must be one of ${methods.map((m) => JSON.stringify(m.name)).join(", ")}`,
}) as unknown as z.ZodType<MethodSection, MethodSection>;

/** A validated `method` section: the method's name and its own options. */
export type MethodSection = { name: string } & Record<string, unknown>;

/** The method called `name`; a UserError listing the valid names otherwise. */
export function methodNamed(name: string): Method {
  const m = methods.find((x) => x.name === name);
  if (!m) throw new UserError(`unknown method '${name}'; valid: ${methods.map((x) => x.name).join(", ")}`);
  return m;
}

/** The names of the checkpoint formats `maskdiff import` reads (each declared by one method). */
export const importFormatNames: readonly string[] = methods.flatMap((m) => (m.importFormat ? [m.importFormat.name] : []));

/** The method that imports checkpoint format `name`, with the format; a UserError listing the formats otherwise. */
export function importFormatNamed(name: string): { method: Method; format: ImportFormat } {
  const method = methods.find((m) => m.importFormat?.name === name);
  if (!method) throw new UserError(`unknown checkpoint format '${name}'; valid: ${importFormatNames.join(", ")}`);
  return { method, format: method.importFormat! };
}
