/** `maskdiff eval`: every bound and objective of a checkpoint's method on a data split, each under its own label. */
import { Command, Option } from "commander";
import { modelSchedule } from "../../methods/model-schedule.js";
import { evaluateBound, type NelboReport } from "../../eval/evaluate.js";
import { estimatorLabel, resultManifest, type ResultManifest } from "../../eval/manifest.js";
import { formatBound } from "../../eval/metrics.js";
import { checkSplitsFit } from "../../train/data-fit.js";
import { loadModel } from "../load-model.js";
import { seedArg, intAtLeast } from "../options.js";

/** The eval command. */
export function evalCommand(): Command {
  return new Command("eval")
    .description("estimate the method's likelihood bounds and objectives (each labelled: certified upper bound or not) with standard errors")
    .requiredOption("--checkpoint <file>", "a ckpt-*.safetensors file written by maskdiff train")
    .addOption(new Option("--split <s>", "data split").choices(["valid", "test"]).default("valid"))
    .option("--steps <T>", "also estimate the certified T-step bound with this T", intAtLeast(1))
    .option("--sequences <n>", "evaluate at most n length-L chunks (default: all)", intAtLeast(1))
    .option("--seed <s>", "random seed", seedArg(), 0)
    .option("--json", "print JSON")
    .option("--per-sequence", "with --json: each bound also lists every sequence's estimate (nats per token, in chunk order) for paired comparisons")
    .action(async (o: { checkpoint: string; split: "valid" | "test"; steps?: number; sequences?: number; seed: number; json?: boolean; perSequence?: boolean }) => {
      const { model, method, meta, data } = await loadModel(o.checkpoint);
      checkSplitsFit(data, meta.config.data.seqLen, [o.split]);
      const denoiser = model.denoiser();
      const bounds = method.bounds(meta.config).filter((b) => !b.discrete || o.steps !== undefined);
      const schedule = modelSchedule(model, meta.config);
      const tMin = 1e-3;
      const reports: (NelboReport & { manifest: ResultManifest })[] = bounds.map((b) => {
        const r = evaluateBound(denoiser, b, data.splits[o.split], {
          seqLen: meta.config.data.seqLen, schedule, seed: o.seed, maxSequences: o.sequences, steps: o.steps ?? 1, tMin, perSequence: o.perSequence,
        });
        const label = estimatorLabel(b, { schedule, tMin, steps: o.steps ?? 1 });
        const manifest = resultManifest({ method: method.name, estimator: b.name, estimator_label: label, t_range: [b.discrete ? 0 : tMin, 1], n: r.n_sequences, seed: o.seed, checkpoint: o.checkpoint });
        return { ...r, manifest };
      });
      if (o.json) {
        const first = reports[0]!;
        return console.log(JSON.stringify({ ...first, steps: o.steps ?? null, split: o.split, checkpoint_step: meta.step, bounds: reports }));
      }
      for (const r of reports) {
        const f = (unit: "bpc" | "nats") => formatBound(r, unit, 3, r.certified);
        console.log(`${o.split} ${r.name} (${r.n_sequences} sequences; ${r.estimator}): ${f("bpc")}  (${f("nats")}, ppl ${r.ppl.toFixed(3)})`);
      }
    });
}
