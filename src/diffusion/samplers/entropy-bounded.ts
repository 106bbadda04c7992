/**
 * Entropy-bounded decoding (the EB-sampler's rule): a variable-step policy that ranks a sequence's masked positions by
 * confidence (lowest entropy of μ first) and reveals the longest prefix whose summed entropy, less its largest
 * entropy, is at most γ: the prefix grows until the step's summed entropy passes the budget. At least one per step
 * (γ = 0 still reveals every zero-entropy position together), at most `cap`.
 */
import type { SamplerPolicy } from "./policy.js";
import { rankedMasks } from "./ranked-masks.js";

/** Options of entropyBoundedPolicy. */
export interface EntropyBoundedOptions {
  /** Entropy budget γ ≥ 0 in nats (default 1). */
  gamma?: number;
  /** Most reveals per step and sequence; 0 (default) for no cap. */
  cap?: number;
  /** Candidate value per position: argmax of μ ("greedy", default) or a draw from μ ("sample"). */
  candidate?: "greedy" | "sample";
}

/** The entropy-bounded policy, named "entropy-bounded". */
export function entropyBoundedPolicy(opts: EntropyBoundedOptions = {}): SamplerPolicy {
  const gamma = opts.gamma ?? 1;
  const cap = opts.cap ?? 0;
  const candidate = opts.candidate ?? "greedy";
  if (!(gamma >= 0 && Number.isFinite(gamma))) throw new Error(`gamma must be a finite number ≥ 0 (nats), got ${gamma}`);
  if (!Number.isInteger(cap) || cap < 0) throw new Error(`cap must be an integer ≥ 0 (0: no cap), got ${cap}`);
  if (candidate !== "greedy" && candidate !== "sample") throw new Error(`unknown candidate rule '${String(candidate)}'; valid: greedy, sample`);
  return {
    name: "entropy-bounded",
    untilDone: true,
    needs: ["entropy"],
    step(ctx) {
      for (let b = 0; b < ctx.batch; b++) {
        const ranked = rankedMasks(ctx, b, "entropy", candidate === "greedy");
        // ranked by c = −H ascending entropy: the largest entropy of a prefix is its last one's
        let sum = 0;
        for (let r = 0; r < ranked.length && (cap === 0 || r < cap); r++) {
          sum -= ranked[r]!.c;
          if (r > 0 && sum + ranked[r]!.c > gamma) break;
          ctx.tokens[ranked[r]!.n] = ranked[r]!.v;
        }
      }
    },
  };
}
