/** `maskdiff train`: train a denoiser from a JSON config, then report validation BPC and samples. */
import { basename, join } from "node:path";
import { Command } from "commander";
import { bigramCrossEntropy, unigramCrossEntropy } from "../../data/ngram.js";
import { formatBound } from "../../eval/metrics.js";
import { checkRunDir } from "../../train/run-dir.js";
import { loadTrainConfig } from "../../train/config.js";
import { listCheckpoints } from "../../train/checkpoint.js";
import { checkSplitsFit } from "../../train/data-fit.js";
import { train } from "../../train/trainer.js";
import { DataParallel } from "../../train/data-parallel.js";
import { joinGroup, readDistEnv } from "../../train/dist-env.js";
import { launchWorkers } from "../launch-workers.js";
import { configDataset } from "../../train/config-dataset.js";
import { intAtLeast, intInRange, numberIn } from "../options.js";
import { TrainProgress } from "../progress.js";
import { UserError } from "../user-error.js";
import { drawSamples } from "../../api/draw-samples.js";

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
    .option("--nproc <n>", "data-parallel worker processes to start on this host (train.batch is the global batch)", intInRange(1, 1024), 1)
    .option("--nnodes <n>", "hosts of a multi-host run (each runs this command with its --node-rank)", intInRange(1, 65536), 1)
    .option("--node-rank <k>", "this host's index among --nnodes", intAtLeast(0), 0)
    .option("--master-addr <addr>", "address of the host of rank 0 (rendezvous)", "127.0.0.1")
    .option("--master-port <port>", "rendezvous port on that host (default: a free port when --nnodes is 1)", intInRange(1, 65535))
    .option("--dist-timeout <seconds>", "how long a worker waits for the others at the rendezvous and in each collective", numberIn(1, 86400), 300)
    .action(async (o: TrainCliOptions) => {
      if (o.nproc * o.nnodes > 1) {
        const code = await launchWorkers({ nproc: o.nproc, nnodes: o.nnodes, nodeRank: o.nodeRank, masterAddr: o.masterAddr, masterPort: o.masterPort, command: [process.execPath, process.argv[1]!, ...workerArgs(o)] });
        if (code !== 0) process.exitCode = code;
        return;
      }
      const config = loadTrainConfig(o.config);
      const data = configDataset(config);
      checkSplitsFit(data, config.data.seqLen);
      const outDir = o.out ?? join("runs", basename(o.config).replace(/\.json$/, ""));
      const dist = readDistEnv();
      const dp = new DataParallel(dist && joinGroup(dist, Math.round(o.distTimeout * 1000)));
      if (dp.rank === 0) {
        checkRunDir(outDir);
        // Checked here so that a failed --resume does not leave an empty run directory behind.
        if (o.resume && !listCheckpoints(outDir).length) throw new UserError(`--resume: no checkpoint (ckpt-*.safetensors) in ${outDir}`);
      }
      const progress = dp.rank === 0 ? new TrainProgress(config.train.steps, 0) : null;
      const started = performance.now();
      const result = await train(config, data, {
        outDir, resume: o.resume, stopAfter: o.stopAfter, dataParallel: dp,
        onStep: (r) => progress?.step(r), onEval: (_, r) => progress?.valid(r.bpc), onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
      }).finally(() => progress?.stop());
      if (dp.rank !== 0) return; // rank 0 reports
      const seconds = (performance.now() - started) / 1000;
      const { train: tr, valid } = data.splits;
      // The n-gram baselines count whole splits: only for in-memory ones (a token file is never read whole).
      const inMemory = tr instanceof Uint8Array && valid instanceof Uint8Array;
      const baselines = inMemory ? { unigram: unigramCrossEntropy(tr, valid), bigram: bigramCrossEntropy(tr, valid) } : null;
      const samples = o.samples > 0 ? result.ema.withAveraged(() => drawSamples(result.model, data, { n: o.samples, length: config.data.seqLen, steps: config.data.seqLen, sampler: "ancestral", seed: config.seed, schedule: config.diffusion.schedule })) : [];
      const report = {
        steps: result.step, seconds: +seconds.toFixed(1), checkpoint: result.checkpoint, valid: result.lastValid,
        baselines_bits_per_token: baselines, samples: samples.map((s) => s.text),
      };
      if (o.json) return console.log(JSON.stringify(report));
      console.log(`trained ${result.step} steps in ${report.seconds} s; checkpoint ${result.checkpoint}`);
      if (result.lastValid) console.log(`validation (EMA weights, ${result.lastValid.estimator}): ${formatBound(result.lastValid, "bpc", 3, result.lastValid.certified)}`);
      if (baselines) console.log(`reference on the same split: unigram ${baselines.unigram.toFixed(3)} bpc, bigram ${baselines.bigram.toFixed(3)} bpc (fit on train)`);
      samples.forEach((s, i) => console.log(`sample ${i + 1}: ${s.text}`));
    });
}

/** The options of the train command. */
interface TrainCliOptions {
  config: string; out?: string; resume?: boolean; stopAfter?: number; samples: number; json?: boolean;
  nproc: number; nnodes: number; nodeRank: number; masterAddr: string; masterPort?: number; distTimeout: number;
}

/** The command line each launched worker runs: this one without the launch options. */
function workerArgs(o: TrainCliOptions): string[] {
  const args = ["train", "--config", o.config, "--samples", String(o.samples), "--dist-timeout", String(o.distTimeout)];
  if (o.out !== undefined) args.push("--out", o.out);
  if (o.resume) args.push("--resume");
  if (o.stopAfter !== undefined) args.push("--stop-after", String(o.stopAfter));
  if (o.json) args.push("--json");
  return args;
}
