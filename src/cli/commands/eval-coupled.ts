/** `maskdiff eval-coupled`: accuracy and KL(data ‖ model) of a sampler on a coupled-token task, over NFE. */
import { Command, Option } from "commander";
import { coupledLaw, COUPLED_TASKS, type CoupledTask } from "../../data/coupled.js";
import { evaluateCoupled, KL_SMOOTHING, productOfMarginalsScore } from "../../eval/coupled-eval.js";
import { policyFromSpec } from "../../eval/sampler-eval-policy.js";
import { modelSchedule } from "../../methods/model-schedule.js";
import { loadModel } from "../../api/load-model.js";
import { intAtLeast, seedArg } from "../options.js";
import { UserError } from "../user-error.js";

/** Parses "1,2,4" into positive integers. */
function nfeList(text: string): number[] {
  const list = text.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || !list.every((n) => Number.isInteger(n) && n >= 1)) throw new UserError(`--nfe '${text}': expected a comma-separated list of positive integers, e.g. 1,2,4`);
  return list;
}

/** The eval-coupled command. */
export function evalCoupledCommand(): Command {
  return new Command("eval-coupled")
    .description(`accuracy (share of samples in the support) and KL(data ‖ model) in nats (histogram of the samples, add-${KL_SMOOTHING} smoothing) on a coupled-token task, for each number of network calls`)
    .requiredOption("--checkpoint <file>", "a checkpoint trained on a coupled-token task (data.name pairs, pairs-weighted, pairs-mixed, quads, quads-two-pairs)")
    .option("--nfe <list>", "network calls per record (= sampling steps T); block-wise methods: steps per block", "1,2,4")
    .option("--sampler <spec>", "sampling policy (a spec as in maskdiff sample)", "ancestral")
    .option("-n, --n <n>", "samples per NFE", intAtLeast(100), 100_000)
    .addOption(new Option("--decode <how>", "revealed values: drawn from μ, or argmax (VMD's sampler)").choices(["sample", "argmax"]).default("sample"))
    .addOption(new Option("--latent <mode>", "latent models: z held per sequence, or redrawn every step").choices(["fixed", "per-step"]).default("fixed"))
    .option("--seed <s>", "random seed", seedArg(), 0)
    .option("--json", "print one JSON object per NFE")
    .action(async (o: { checkpoint: string; nfe: string; sampler: string; n: number; seed: number; json?: boolean; decode: "sample" | "argmax"; latent: "fixed" | "per-step" }) => {
      const nfe = nfeList(o.nfe);
      const { model, method, meta, data } = await loadModel(o.checkpoint);
      const task = meta.config.data.name;
      if (!(task in COUPLED_TASKS)) throw new UserError(`checkpoint ${o.checkpoint} was trained on '${task}', not on a coupled-token task (${Object.keys(COUPLED_TASKS).join(", ")})`);
      const name = o.sampler.split(":")[0]!;
      if (!method.samplers(meta.config).includes(name)) throw new UserError(`sampler '${name}' does not work with method '${method.name}'; supported: ${method.samplers(meta.config).join(", ")}`);
      let policy;
      try {
        policy = policyFromSpec(o.sampler);
      } catch (e) {
        throw new UserError(`--sampler: ${(e as Error).message}`);
      }
      const law = coupledLaw(task as CoupledTask, meta.config.data.coupling ?? 1);
      const D = COUPLED_TASKS[task as CoupledTask];
      const factorized = productOfMarginalsScore(law, D);
      const schedule = modelSchedule(model, meta.config);
      if (!o.json) console.log(`${task} (${data.meta.source}), ${method.name}, sampler ${o.sampler}, decode ${o.decode}${model.denoiser().latent ? `, z ${o.latent}` : ""}, N = ${o.n}; perfect independent one-step sampler: accuracy ${factorized.accuracy.toFixed(3)}, KL ${factorized.kl_nats.toFixed(3)}`);
      for (const T of nfe) {
        const s = evaluateCoupled(model, policy, { length: D, law, steps: T, n: o.n, seed: o.seed, schedule, decode: o.decode, latent: o.latent });
        if (o.json) console.log(JSON.stringify({ task, method: method.name, sampler: o.sampler, decode: o.decode, latent: o.latent, nfe: T, ...s, smoothing: KL_SMOOTHING, factorized }));
        else console.log(`NFE ${T}: accuracy ${(100 * s.accuracy).toFixed(1)} % ± ${(100 * s.accuracy_stderr).toFixed(1)}, KL(data ‖ model) ${s.kl_nats.toFixed(3)} nats`);
      }
    });
}
