/** `maskdiff data <name>`: prepare a dataset (the only command that may use the network: text8). */
import { Command, Argument } from "commander";
import { DEBIAN_FORTUNES_DIR, defaultFortunesPath, defaultText8Dir, downloadText8, prepareFortunes, prepareText8 } from "../../data/index.js";
import { UserError } from "../user-error.js";

/** The data command. */
export function dataCommand(): Command {
  return new Command("data")
    .description("prepare a dataset: text8 (downloads ~31 MB unless --from is given) or fortunes (built-in, offline)")
    .addArgument(new Argument("<name>", "dataset").choices(["text8", "fortunes"]))
    .option("--from <file>", "text8: use a local text8 or text8.zip instead of downloading")
    .option("--out <path>", "where to write (default: data/text8 or data/fortunes.txt)")
    .action(async (name: string, o: { from?: string; out?: string }) => {
      try {
        if (name === "fortunes") {
          const s = prepareFortunes({ outFile: o.out ?? defaultFortunesPath(), sourceDir: DEBIAN_FORTUNES_DIR });
          console.log(JSON.stringify(s));
        } else {
          const dir = o.out ?? defaultText8Dir();
          const meta = o.from ? prepareText8(o.from, dir) : await downloadText8(dir);
          console.log(JSON.stringify(meta));
        }
      } catch (e) {
        throw new UserError(`data ${name}: ${(e as Error).message}`);
      }
    });
}
