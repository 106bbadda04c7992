/** `maskdiff eval-sudoku`: solve the test puzzles of a checkpoint trained on data "sudoku", per decoding order × NFE. */
import { Command } from "commander";
import { sudokuPuzzlesOf } from "../../data/sudoku-dataset.js";
import { SUDOKU_CELLS } from "../../data/sudoku-solver.js";
import { parseStepList } from "../../eval/sampler-eval-steps.js";
import { evaluateSudoku, type SudokuEvalRow } from "../../eval/sudoku.js";
import { modelSchedule } from "../../methods/model-schedule.js";
import { loadModel } from "../../api/load-model.js";
import { intAtLeast, seedArg } from "../options.js";
import { samplerList } from "../sampler-list.js";
import { checkSupported } from "../../api/check-supported.js";
import { UserError, userInput } from "../user-error.js";

/** Options as commander parses them. */
interface Opts {
  checkpoint: string;
  nfe: string;
  orders: string;
  seed: number;
  puzzles?: number;
  json?: boolean;
}

const pct = (x: number, se: number): string => `${(100 * x).toFixed(1)} ± ${(100 * se).toFixed(1)} %`;

/** The markdown table of the rows: one line per order × NFE. */
export function sudokuMarkdown(rows: readonly SudokuEvalRow[], heading: string): string {
  const lines = [
    heading, "",
    "| order | NFE | solved | valid | free cells right | network calls per puzzle |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.order} | ${r.nfe} | ${pct(r.accuracy, r.accuracy_stderr)} | ${pct(r.valid, r.valid_stderr)} | ${pct(r.cell_accuracy, r.cell_accuracy_stderr)} | ${r.nfe_per_puzzle.toFixed(1)} |`),
  ];
  return lines.join("\n");
}

/** The eval-sudoku command. */
export function evalSudokuCommand(): Command {
  return new Command("eval-sudoku")
    .description("share of test puzzles solved exactly (given cells fixed, free cells filled in NFE steps) per order × NFE, with standard errors over puzzles")
    .requiredOption("--checkpoint <file>", "a ckpt-*.safetensors file trained with data.name \"sudoku\"")
    .option("--nfe <list>", "comma-separated step counts T (one network call each)", "5,10,20")
    .option("--orders <list>", "comma-separated sampler specs that choose the cells to reveal (Kim et al.'s top probability and top margin by default)", "confidence-prob,confidence-margin")
    .option("--seed <s>", "random seed (the same for every order and NFE)", seedArg(), 0)
    .option("--puzzles <n>", "score the first n test puzzles (default: all)", intAtLeast(1))
    .option("--json", "print one JSON object per line per order × NFE")
    .action(async (o: Opts) => {
      const orders = samplerList("--orders", o.orders);
      const nfe = userInput("--nfe", () => parseStepList(o.nfe, SUDOKU_CELLS));
      const { model, method, meta, data } = await loadModel(o.checkpoint);
      checkSupported("--orders", orders, method, method.samplers(meta.config));
      const all = sudokuPuzzlesOf(data);
      if (all === null) throw new UserError(`checkpoint ${o.checkpoint} was trained on '${meta.config.data.name}', not on Sudoku: eval-sudoku needs a model trained with data.name "sudoku" (e.g. configs/sudoku-md4.json)`);
      const n = Math.min(all.count, o.puzzles ?? all.count);
      const puzzles = { count: n, givens: all.givens.subarray(0, n * SUDOKU_CELLS), solutions: all.solutions.subarray(0, n * SUDOKU_CELLS) };
      const rows = userInput("eval-sudoku", () =>
        evaluateSudoku(model.denoiser(), puzzles, {
          orders, nfe, seed: o.seed, schedule: modelSchedule(model, meta.config),
          onRow: (r) => process.stderr.write(`${r.order} NFE ${r.nfe}: solved ${pct(r.accuracy, r.accuracy_stderr)}, ${r.seconds.toFixed(1)} s\n`),
        }),
      );
      if (o.json) for (const r of rows) console.log(JSON.stringify(r));
      else console.log(sudokuMarkdown(rows, `## eval-sudoku: ${o.checkpoint} (step ${meta.step}), ${n} puzzles, seed ${o.seed}`));
    });
}
