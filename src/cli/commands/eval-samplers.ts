/** `maskdiff eval-samplers`: compare samplers across step counts on a checkpoint trained on the HMM oracle. */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { writeFilesAtomically } from "../../data/atomic-write.js";
import { REFERENCE_SAMPLER, type SamplerEvalRow } from "../../eval/sampler-eval.js";
import { appendRow, readTable, rowId, type TableKey } from "../../eval/sampler-eval-resume.js";
import { fileSha256 } from "../../eval/manifest.js";
import { policyFromSpec } from "../../eval/sampler-eval-policy.js";
import { renderSamplerNfeSvg } from "../../eval/sampler-eval-nfe-plot.js";
import { renderSamplerEvalSvg } from "../../eval/sampler-eval-plot.js";
import { DEFAULT_TRIGRAM_ALPHA } from "../../eval/sampler-eval-score.js";
import { checkStepList, DEFAULT_STEP_LIST, parseStepList } from "../../eval/sampler-eval-steps.js";
import { samplerEvalMarkdown } from "../../eval/sampler-eval-table.js";
import { loadModel } from "../../api/load-model.js";
import { compareSamplers } from "../../api/compare-samplers.js";
import { RowProgress } from "../row-progress.js";
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
  out?: string;
  entropyDraws: number;
}

/** Checks --plot before any work: an .svg path in an existing directory. */
function checkPlotPath(path: string | undefined): void {
  if (path === undefined) return;
  if (!/\.svg$/i.test(path)) throw new UserError(`--plot ${path}: only SVG output is supported; give a path ending in .svg`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--plot ${path}: directory ${dir} does not exist`);
}

/** Checks --out before any work: a .jsonl path in an existing directory. */
function checkOutPath(path: string | undefined): void {
  if (path === undefined) return;
  if (!/\.jsonl$/i.test(path)) throw new UserError(`--out ${path}: the table is written as JSON lines; give a path ending in .jsonl`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--out ${path}: directory ${dir} does not exist`);
}

/** One row's progress label. */
function label(r: SamplerEvalRow): string {
  return `${r.sampler}${r.T === null ? "" : ` T=${r.T}`}${r.nfe > 0 ? `, NFE/seq ${r.nfe_seq_mean.toFixed(1)}` : ""}: oracle NLL ${r.oracle_nll.toFixed(4)}, KL lower est. ${r.kl_lower_estimate.toFixed(4)}, ${r.seconds.toFixed(2)} s`;
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
    .option("--out <file.jsonl>", "append each row to this file as it finishes; a rerun with the same fixed arguments computes only the missing rows")
    .option("--entropy-draws <k>", "Monte-Carlo draws per sample of the model's entropy bound (0: skip it; the KL estimate then uses the Markov bound alone)", intAtLeast(0), 4)
    .action(async (o: Opts) => {
      let samplers = samplerList("--samplers", o.samplers);
      userInput("--steps", () => checkStepList(o.steps));
      checkPlotPath(o.plot);
      checkPlotPath(o.plotNfe);
      if (o.plot && samplers.every((spec) => policyFromSpec(spec).untilDone))
        throw new UserError("--plot draws quality against the step count T, and every sampler given takes a variable number of steps; use --plot-nfe");
      checkOutPath(o.out);
      const model = await loadModel(o.checkpoint);
      const { method, meta } = model;
      const supported = method.samplers(meta.config);
      const unsupported = samplers.filter((spec) => !supported.includes(spec.split(":")[0]!));
      if (o.samplers === DEFAULT_SAMPLERS) samplers = samplers.filter((spec) => !unsupported.includes(spec));
      else checkSupported("--samplers", samplers, method, supported);
      const L = meta.config.data.seqLen;
      const steps = userInput("--steps", () => parseStepList(o.steps, L));
      const key: TableKey = {
        checkpoint: o.checkpoint, checkpoint_sha256: fileSha256(o.checkpoint),
        n: o.n, seed: o.seed, top_p: o.topP, top_p_variant: "mdlm" /* the loop's default nucleus rule */, trigram_alpha: o.trigramAlpha, entropy_draws: o.entropyDraws,
      };
      const finished = o.out ? userInput(`--out ${o.out}`, () => readTable(o.out!, key)) : null;
      if (finished?.droppedBytes) process.stderr.write(`${o.out}: dropped an unfinished last line (${finished.droppedBytes} bytes)\n`);
      // a variable-step sampler gives one row (T = null)
      const wanted = [...(o.reference ? [rowId(REFERENCE_SAMPLER, null)] : []), ...samplers.flatMap((s) => (policyFromSpec(s).untilDone ? [null] : steps).map((T) => rowId(s, T)))];
      const bar = new RowProgress(wanted.filter((id) => !finished?.rows.has(id)).length);
      const rows = compareSamplers(model, {
        samplers, steps, n: o.n, seed: o.seed, topP: o.topP, trigramAlpha: o.trigramAlpha, reference: o.reference, entropyDraws: o.entropyDraws,
        done: (sampler, T) => finished?.rows.get(rowId(sampler, T)),
        onRow: (r) => {
          if (o.out) appendRow(o.out, key, r);
          bar.row(label(r));
        },
      });
      bar.stop();
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
