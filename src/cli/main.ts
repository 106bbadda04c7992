/** The `maskdiff` command line: train, sample, eval, eval-samplers, eval-sudoku, data, prime-ell, toy2d. */
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
import { toy2dCommand } from "./commands/toy2d.js";
import { trainCommand } from "./commands/train.js";
import { UserError } from "./user-error.js";

const program = new Command("maskdiff")
  .description("Masked discrete diffusion models: train, sample, evaluate")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });
for (const c of [trainCommand(), sampleCommand(), evalCommand(), evalSamplersCommand(), evalCoupledCommand(), evalSudokuCommand(), dataCommand(), primeEllCommand(), plotScheduleCommand(), toy2dCommand(), importCommand()]) program.addCommand(c.exitOverride());

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (e instanceof UserError) {
    process.stderr.write(`maskdiff: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
