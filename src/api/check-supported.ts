/** Refusing sampler specs that a model's method cannot run, with the list of those it can. */
import { UserError } from "../errors.js";

/** Throws a UserError naming the specs whose sampler the method does not support. */
export function checkSupported(flag: string, specs: readonly string[], method: { name: string; samplerLimits?: string }, supported: readonly string[]): void {
  const unsupported = specs.filter((spec) => !supported.includes(spec.split(":")[0]!));
  if (unsupported.length)
    throw new UserError(`${flag}: ${unsupported.join(", ")} do${unsupported.length === 1 ? "es" : ""} not work with method '${method.name}'; supported: ${supported.join(", ")}${method.samplerLimits ? ` (${method.samplerLimits})` : ""}`);
}
