/** `maskdiff eval`: NELBO bounds (continuous and T-step) of a checkpoint on a data split. */
import { Command, Option } from "commander";
import { scheduleFromName } from "../../diffusion/schedule.js";
import { evaluateNelbo } from "../../eval/evaluate.js";
import { formatBound } from "../../eval/metrics.js";
import { netDenoiser } from "../../models/net-denoiser.js";
import { loadModel } from "../load-model.js";
import { intAtLeast } from "../options.js";

/** The eval command. */
export function evalCommand(): Command {
  return new Command("eval")
    .description("estimate the NELBO (an upper bound on NLL) of a checkpoint, with a standard error")
    .requiredOption("--checkpoint <file>", "a ckpt-*.safetensors file written by maskdiff train")
    .addOption(new Option("--split <s>", "data split").choices(["valid", "test"]).default("valid"))
    .option("--steps <T>", "T-step discrete-time bound instead of the continuous one", intAtLeast(1))
    .option("--sequences <n>", "evaluate at most n length-L chunks (default: all)", intAtLeast(1))
    .option("--seed <s>", "random seed", intAtLeast(0), 0)
    .option("--json", "print JSON")
    .action(async (o: { checkpoint: string; split: "valid" | "test"; steps?: number; sequences?: number; seed: number; json?: boolean }) => {
      const { model, meta, data } = await loadModel(o.checkpoint);
      const r = evaluateNelbo(netDenoiser(model), data.splits[o.split], {
        seqLen: meta.config.data.seqLen, schedule: scheduleFromName(meta.config.diffusion.schedule),
        seed: o.seed, maxSequences: o.sequences, steps: o.steps,
      });
      if (o.json) return console.log(JSON.stringify({ ...r, steps: o.steps ?? null, split: o.split, checkpoint_step: meta.step }));
      console.log(`${o.split} (${r.n_sequences} sequences, ${r.estimator}): ${formatBound(r)}  (${formatBound(r, "nats")}, ppl ${r.ppl.toFixed(3)})`);
    });
}
