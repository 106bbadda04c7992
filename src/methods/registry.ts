/** The one registry of methods: a method is a folder in src/methods plus one line here. */
import { UserError } from "../cli/user-error.js";
import type { Method } from "./method.js";
import { md4 } from "./md4/index.js";
import { prime } from "./prime/index.js";

/** Every method, by name. */
export const methods: readonly Method[] = [md4, prime];

/** The method called `name`; a UserError listing the valid names otherwise. */
export function methodNamed(name: string): Method {
  const m = methods.find((x) => x.name === name);
  if (!m) throw new UserError(`unknown method '${name}'; valid: ${methods.map((x) => x.name).join(", ")}`);
  return m;
}
