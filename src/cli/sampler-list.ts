/** A comma-separated list of sampler specs on the command line (--samplers, --orders). */
import { policyFromSpec } from "../eval/sampler-eval-policy.js";
import { UserError, userInput } from "./user-error.js";

/** The sampler specs of `text`, each checked; commas inside a spec's key=value options stay with the spec. */
export function samplerList(flag: string, text: string): string[] {
  const list = text.split(/,(?![^:,]*=)/).map((s) => s.trim());
  if (list.some((s) => s === "")) throw new UserError(`${flag} '${text}': empty item; expected a comma-separated list such as ancestral,remdm-loop:eta=0.02`);
  for (const s of list) userInput(flag, () => policyFromSpec(s));
  return list;
}
