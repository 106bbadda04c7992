/** `maskdiff train`: train a denoiser from a JSON config, then report validation BPC and samples. */
import { basename, join } from "node:path";
import { Command } from "commander";
import { datasetFromName } from "../../data/index.js";
import { bigramCrossEntropy, unigramCrossEntropy } from "../../data/ngram.js";
import { formatBound } from "../../eval/metrics.js";
import { checkRunDir } from "../../train/run-dir.js";
import { loadTrainConfig } from "../../train/config.js";
import { listCheckpoints } from "../../train/checkpoint.js";
import { checkSplitsFit } from "../../train/data-fit.js";
import { train } from "../../train/trainer.js";
import { dataOptions } from "../load-model.js";
import { intAtLeast } from "../options.js";
import { TrainProgress } from "../progress.js";
import { UserError } from "../user-error.js";
import { drawSamples } from "./sample.js";

/** The train command. */
export function trainCommand(): Command {
  return new Command("train")
    .description("train a masked diffusion model from a JSON config")
    .requiredOption("-c, --config <file>", "training config (JSON; see configs/)")
    .option("-o, --out <dir>", "run directory for checkpoints and log.jsonl (default: runs/<config name>)")
    .option("--resume", "continue from the newest checkpoint in the run directory")
    .option("--stop-after <step>", "stop (with a checkpoint) after this step", intAtLeast(1))
    .option("--samples <n>", "samples to print at the end", intAtLeast(0), 3)
    .option("--json", "print the final report as JSON on stdout")
    .action(async (o: { config: string; out?: string; resume?: boolean; stopAfter?: number; samples: number; json?: boolean }) => {
      const config = loadTrainConfig(o.config);
      let data;
      try {
        data = datasetFromName(config.data.name, dataOptions({ config }));
      } catch (e) {
        throw new UserError(`data.name '${config.data.name}': ${(e as Error).message}`);
      }
      checkSplitsFit(data, config.data.seqLen);
      const outDir = o.out ?? join("runs", basename(o.config).replace(/\.json$/, ""));
      checkRunDir(outDir);
      // Checked here so that a failed --resume does not leave an empty run directory behind.
      if (o.resume && !listCheckpoints(outDir).length) throw new UserError(`--resume: no checkpoint (ckpt-*.safetensors) in ${outDir}`);
      const progress = new TrainProgress(config.train.steps, 0);
      const started = performance.now();
      const result = await train(config, data, {
        outDir, resume: o.resume, stopAfter: o.stopAfter,
        onStep: (r) => progress.step(r), onEval: (_, r) => progress.valid(r.bpc),
      }).finally(() => progress.stop());
      const seconds = (performance.now() - started) / 1000;
      const { train: tr, valid } = data.splits;
      const unigram = unigramCrossEntropy(tr, valid);
      const bigram = bigramCrossEntropy(tr, valid);
      const samples = o.samples > 0 ? result.ema.withAveraged(() => drawSamples(result.model, data, { n: o.samples, length: config.data.seqLen, steps: config.data.seqLen, sampler: "ancestral", seed: config.seed, schedule: config.diffusion.schedule })) : [];
      const report = {
        steps: result.step, seconds: +seconds.toFixed(1), checkpoint: result.checkpoint, valid: result.lastValid,
        baselines_bits_per_token: { unigram, bigram }, samples: samples.map((s) => s.text),
      };
      if (o.json) return console.log(JSON.stringify(report));
      console.log(`trained ${result.step} steps in ${report.seconds} s; checkpoint ${result.checkpoint}`);
      if (result.lastValid) console.log(`validation (EMA weights, ${result.lastValid.estimator}): ${formatBound(result.lastValid, "bpc", 3, result.lastValid.certified)}`);
      console.log(`reference on the same split: unigram ${unigram.toFixed(3)} bpc, bigram ${bigram.toFixed(3)} bpc (fit on train)`);
      samples.forEach((s, i) => console.log(`sample ${i + 1}: ${s.text}`));
    });
}
