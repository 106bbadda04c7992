/** The `maskdiff` command line: train, sample, eval, eval-samplers, eval-sudoku, data, prime-ell, toy2d, serve. */
import { Command, CommanderError } from "commander";
import { dataCommand } from "./commands/data.js";
import { evalCommand } from "./commands/eval.js";
import { evalSamplersCommand } from "./commands/eval-samplers.js";
import { evalSudokuCommand } from "./commands/eval-sudoku.js";
import { primeEllCommand } from "./commands/prime-ell.js";
import { plotScheduleCommand } from "./commands/plot-schedule.js";
import { evalCoupledCommand } from "./commands/eval-coupled.js";
import { importCommand } from "./commands/import.js";
import { sampleCommand } from "./commands/sample.js";
import { serveCommand } from "./commands/serve.js";
import { toy2dCommand } from "./commands/toy2d.js";
import { trainCommand } from "./commands/train.js";
import { MaskdiffError, UserError } from "../errors.js";

const program = new Command("maskdiff")
  .description("Masked discrete diffusion models: train, sample, evaluate")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });
for (const c of [trainCommand(), sampleCommand(), evalCommand(), evalSamplersCommand(), evalCoupledCommand(), evalSudokuCommand(), dataCommand(), primeEllCommand(), plotScheduleCommand(), toy2dCommand(), serveCommand(), importCommand()]) program.addCommand(c.exitOverride());

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (e instanceof MaskdiffError) {
    process.stderr.write(`${e.message.startsWith("maskdiff: ") ? "" : "maskdiff: "}${e.message}\n`);
    process.exit(e instanceof UserError ? 2 : 1);
  }
  throw e;
}
