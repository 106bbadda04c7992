/** `maskdiff plot-schedule`: draws a checkpoint's masking schedule — the learned α_v(t) per class of GenMD4, or the one fixed α(t). */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { writeFilesAtomically } from "../../data/atomic-write.js";
import { renderVegaLiteSvg } from "../../eval/vega-svg.js";
import { scheduleCurves, schedulePlotSpec } from "../../eval/schedule-plot.js";
import { modelSchedule } from "../../methods/model-schedule.js";
import { loadModel } from "../../api/load-model.js";
import { UserError } from "../user-error.js";

/** A class label that shows in a legend: the decoded token, with a visible space. */
function classLabel(text: string): string {
  return text === " " ? "␣" : text;
}

/** The plot-schedule command. */
export function plotScheduleCommand(): Command {
  return new Command("plot-schedule")
    .description("draw the masking schedule of a checkpoint: α_v(t) per class and the exponents w_v for a learned per-class schedule (GenMD4), the one α(t) otherwise")
    .requiredOption("--checkpoint <file>", "a ckpt-*.safetensors file written by maskdiff train")
    .requiredOption("--out <file.svg>", "where to write the SVG figure")
    .option("--json", "also print the exponents per class as JSON")
    .action(async (o: { checkpoint: string; out: string; json?: boolean }) => {
      if (!/\.svg$/i.test(o.out)) throw new UserError(`--out ${o.out}: only SVG output is supported; give a path ending in .svg`);
      const dir = dirname(resolve(o.out));
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--out ${o.out}: directory ${dir} does not exist`);
      const { model, meta, data } = await loadModel(o.checkpoint);
      const schedule = modelSchedule(model, meta.config);
      const labels = Array.from({ length: data.vocabSize }, (_, v) => classLabel(data.decode([v])));
      const curves = scheduleCurves(schedule, labels);
      const title = `${schedule.name} schedule of ${o.checkpoint} (step ${meta.step})`;
      writeFilesAtomically([{ path: o.out, data: await renderVegaLiteSvg(schedulePlotSpec(curves, title)) }]);
      const ranked = [...curves].sort((a, b) => b.exponent - a.exponent);
      if (o.json) console.log(JSON.stringify({ schedule: schedule.name, step: meta.step, exponents: Object.fromEntries(ranked.map((c) => [c.label, c.exponent])) }));
      else console.log(`${schedule.name}: exponents from largest (masked last) to smallest (masked first): ${ranked.map((c) => `${c.label} ${c.exponent.toFixed(3)}`).join(", ")}`);
      console.error(`wrote ${o.out}`);
    });
}
