/**
 * The first-hitting policy (BD3-LM's default inside a block, §5.5): every step reveals exactly one masked position per
 * sequence, chosen uniformly among its masked (non-prompt) positions, with a value drawn from μ. Under the linear schedule
 * the next reveal of n masked tokens happens at t·u^{1/n}: the steps are the exact reveal events of the continuous-time
 * reverse process, so T ≥ (masked positions) steps draw from that process with one network call per reveal. The network
 * sees the loop's grid times: exact for time-agnostic denoisers (BD3-LM's setting), an approximation for time-conditioned ones.
 */
import type { SamplerPolicy, StepContext } from "./policy.js";

/** One uniformly chosen masked position per sequence and step, revealed to ctx.draw. */
export function firstHittingPolicy(): SamplerPolicy {
  return {
    name: "first-hitting",
    step(ctx: StepContext): void {
      const { tokens, batch: B, length: L, fixed } = ctx;
      const V = ctx.layout.maskId;
      const masked: number[] = [];
      for (let b = 0; b < B; b++) {
        masked.length = 0;
        for (let n = b * L; n < (b + 1) * L; n++) if (tokens[n] === V && !fixed?.[n]) masked.push(n);
        if (masked.length === 0) continue;
        const n = masked[Math.min(masked.length - 1, Math.floor(ctx.uniform(b * L) * masked.length))]!;
        tokens[n] = ctx.draw(n);
      }
    },
  };
}
