/** `maskdiff prime-ell`: the idle-step ratio and non-cached NFE for ℓ = 1..8 before any training, and the elbow rule's ℓ. */
import { Command, Option } from "commander";
import { scheduleFromName } from "../../diffusion/schedule.js";
import { digitBase } from "../../methods/prime/digits.js";
import { elbowEll, idleStepStats } from "../../diffusion/idle-steps.js";
import { intAtLeast } from "../options.js";
import { UserError } from "../user-error.js";

/** The prime-ell command. */
export function primeEllCommand(): Command {
  return new Command("prime-ell")
    .description("MDM-Prime's idle-step ratio (ISR) and expected non-cached NFE for ℓ = 1..8 (closed form, §3.9), and the elbow rule's choice of ℓ")
    .requiredOption("--seq-len <L>", "tokens per sequence", intAtLeast(1))
    .requiredOption("--steps <T>", "sampling steps", intAtLeast(1))
    .option("--classes <C>", "token classes, to show the digit base b and unused codes", intAtLeast(2), 27)
    .option("--schedule <name>", "masking schedule of the sampler", "linear")
    .addOption(new Option("--grid <g>", "time grid").choices(["uniform", "cosine"]).default("uniform"))
    .option("--json", "print JSON")
    .action((o: { seqLen: number; steps: number; classes: number; schedule: string; grid: "uniform" | "cosine"; json?: boolean }) => {
      let schedule;
      try {
        schedule = scheduleFromName(o.schedule);
      } catch (e) {
        throw new UserError(`--schedule: ${(e as Error).message}`);
      }
      const rows = Array.from({ length: 8 }, (_, k) => {
        const ell = k + 1;
        const b = digitBase(o.classes, ell);
        const st = idleStepStats({ schedule, tokens: o.seqLen, ell, steps: o.steps, grid: o.grid });
        return { ell, base: b, unused_codes: b ** ell - o.classes, isr: st.ratio, idle_steps: st.idle, n_nfe: st.nonCachedNfe };
      });
      const elbow = elbowEll(rows.map((r) => r.isr));
      if (o.json) return console.log(JSON.stringify({ seq_len: o.seqLen, steps: o.steps, classes: o.classes, rows, elbow }));
      console.log(`L = ${o.seqLen}, T = ${o.steps}, C = ${o.classes}, ${o.schedule} schedule, ${o.grid} grid`);
      console.log("ℓ  base  unused  ISR      expected N-NFE");
      for (const r of rows) console.log(`${String(r.ell).padEnd(3)}${String(r.base).padEnd(6)}${String(r.unused_codes).padEnd(8)}${r.isr.toFixed(4).padEnd(9)}${r.n_nfe.toFixed(1)}`);
      console.log(`elbow rule (Kneedle: farthest below the chord of the ISR curve): ℓ = ${elbow}`);
    });
}
