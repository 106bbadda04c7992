/** `maskdiff eval-samplers`: compare samplers across step counts on a checkpoint trained on the HMM oracle. */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { writeFilesAtomically } from "../../data/atomic-write.js";
import type { SamplerEvalRow } from "../../eval/sampler-eval.js";
import { policyFromSpec } from "../../eval/sampler-eval-policy.js";
import { renderSamplerNfeSvg } from "../../eval/sampler-eval-nfe-plot.js";
import { renderSamplerEvalSvg } from "../../eval/sampler-eval-plot.js";
import { DEFAULT_TRIGRAM_ALPHA } from "../../eval/sampler-eval-score.js";
import { checkStepList, DEFAULT_STEP_LIST, parseStepList } from "../../eval/sampler-eval-steps.js";
import { samplerEvalMarkdown } from "../../eval/sampler-eval-table.js";
import { loadModel } from "../../api/load-model.js";
import { compareSamplers } from "../../api/compare-samplers.js";
import { seedArg, intAtLeast, numberIn, probability } from "../options.js";
import { samplerList } from "../sampler-list.js";
import { checkSupported } from "../../api/check-supported.js";
import { UserError, userInput } from "../user-error.js";

/** Samplers compared by default. */
const DEFAULT_SAMPLERS = "ancestral,remdm-cap,remdm-loop,confidence-prob";

/** Options as commander parses them. */
interface Opts {
  checkpoint: string;
  samplers: string;
  steps: string;
  n: number;
  seed: number;
  topP: number;
  trigramAlpha: number;
  reference: boolean;
  json?: boolean;
  markdown?: boolean;
  plot?: string;
  plotNfe?: string;
}

/** Checks --plot before any work: an .svg path in an existing directory. */
function checkPlotPath(path: string | undefined): void {
  if (path === undefined) return;
  if (!/\.svg$/i.test(path)) throw new UserError(`--plot ${path}: only SVG output is supported; give a path ending in .svg`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--plot ${path}: directory ${dir} does not exist`);
}

/** Prints one progress line per result on stderr. */
function progress(r: SamplerEvalRow): void {
  process.stderr.write(`${r.sampler}${r.T === null ? "" : ` T=${r.T}`}${r.nfe > 0 ? `, NFE/seq ${r.nfe_seq_mean.toFixed(1)}` : ""}: oracle NLL ${r.oracle_nll.toFixed(4)}, trigram KL ${r.trigram_kl.toFixed(3)}, ${r.seconds.toFixed(2)} s\n`);
}

/** The eval-samplers command. */
export function evalSamplersCommand(): Command {
  return new Command("eval-samplers")
    .description("score samplers × step counts against the exact HMM oracle (checkpoint trained with data.name \"hmm\")")
    .requiredOption("--checkpoint <file>", "a ckpt-*.safetensors file trained on the HMM oracle")
    .option("--samplers <list>", "comma-separated sampler specs, name or name:key=value,...", DEFAULT_SAMPLERS)
    .option("--steps <list>", "comma-separated step counts: integers or aL/b with L the sequence length", DEFAULT_STEP_LIST)
    .option("-n, --n <n>", "samples per sampler and step count", intAtLeast(2), 64)
    .option("--seed <s>", "random seed (the same for every sampler and T)", seedArg(), 0)
    .option("--top-p <p>", "nucleus mass in (0, 1]", probability, 1)
    .option("--trigram-alpha <a>", "add-alpha smoothing of the samples' trigram counts", numberIn(1e-12, 1e6), DEFAULT_TRIGRAM_ALPHA)
    .option("--no-reference", "leave out the reference row (samples of the true HMM)")
    .option("--json", "print one JSON object per line per sampler × T (the table, if --markdown, goes to stderr)")
    .option("--markdown", "print the markdown table (the default without --json)")
    .option("--plot <file.svg>", "write a figure of oracle NLL and trigram KL against T")
    .option("--plot-nfe <file.svg>", "write a figure of oracle NLL, per-sample entropy and trigram KL against network evaluations per sequence (knobs tau, gamma swept along a line)")
    .action(async (o: Opts) => {
      let samplers = samplerList("--samplers", o.samplers);
      userInput("--steps", () => checkStepList(o.steps));
      checkPlotPath(o.plot);
      checkPlotPath(o.plotNfe);
      if (o.plot && samplers.every((spec) => policyFromSpec(spec).untilDone))
        throw new UserError("--plot draws quality against the step count T, and every sampler given takes a variable number of steps; use --plot-nfe");
      const model = await loadModel(o.checkpoint);
      const { method, meta } = model;
      const supported = method.samplers(meta.config);
      const unsupported = samplers.filter((spec) => !supported.includes(spec.split(":")[0]!));
      if (o.samplers === DEFAULT_SAMPLERS) samplers = samplers.filter((spec) => !unsupported.includes(spec));
      else checkSupported("--samplers", samplers, method, supported);
      const L = meta.config.data.seqLen;
      const steps = userInput("--steps", () => parseStepList(o.steps, L));
      const rows = compareSamplers(model, { samplers, steps, n: o.n, seed: o.seed, topP: o.topP, trigramAlpha: o.trigramAlpha, reference: o.reference, onRow: progress });
      const heading = `## eval-samplers: ${o.checkpoint} (step ${meta.step}), L = ${L}, N = ${o.n}, seed ${o.seed}, top-p ${o.topP}`;
      if (o.json) for (const r of rows) console.log(JSON.stringify(r));
      if (o.markdown || !o.json) (o.json ? process.stderr : process.stdout).write(samplerEvalMarkdown(rows, heading) + "\n");
      if (o.plot) {
        const svg = await renderSamplerEvalSvg(rows, `Samplers on the HMM oracle: L = ${L}, N = ${o.n} per point (checkpoint step ${meta.step})`);
        writeFilesAtomically([{ path: o.plot, data: svg }]);
        process.stderr.write(`wrote ${o.plot}\n`);
      }
      if (o.plotNfe) {
        const svg = await renderSamplerNfeSvg(rows, `Quality against network evaluations on the HMM oracle: L = ${L}, N = ${o.n} per point (checkpoint step ${meta.step})`);
        writeFilesAtomically([{ path: o.plotNfe, data: svg }]);
        process.stderr.write(`wrote ${o.plotNfe}\n`);
      }
    });
}
