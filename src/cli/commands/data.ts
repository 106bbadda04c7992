/** `maskdiff data <name>`: prepare a dataset (the only command that may use the network: text8). */
import { Command, Argument, Option } from "commander";
import {
  DEBIAN_FORTUNES_DIR, defaultFortunesPath, defaultSudokuDir, defaultText8Dir, downloadText8, prepareFortunes, prepareSudoku, prepareText8, SUDOKU_DEFAULTS,
} from "../../data/index.js";
import { tokenizeTextFile } from "../../data/gpt2-tokenize.js";
import { intAtLeast, numberIn, seedArg } from "../options.js";
import { UserError } from "../user-error.js";

/** Options as commander parses them. */
interface Opts {
  from?: string;
  out?: string;
  train?: number;
  valid?: number;
  test?: number;
  seed?: number;
  difficulty?: number;
  force?: boolean;
  tokenizer?: string;
  perLine?: boolean;
  validEvery?: number;
}

/** The options that apply only to `data sudoku`, by flag. */
const SUDOKU_ONLY = { train: "--train", valid: "--valid", test: "--test", seed: "--seed", difficulty: "--difficulty", force: "--force" } as const;

/** The options that apply only to `data tokenize`, by flag. */
const TOKENIZE_ONLY = { tokenizer: "--tokenizer", perLine: "--per-line", validEvery: "--valid-every" } as const;

/** The data command. */
export function dataCommand(): Command {
  const d = SUDOKU_DEFAULTS;
  return new Command("data")
    .description("prepare a dataset: text8 (downloads ~31 MB unless --from is given), fortunes (built-in, offline), sudoku (generated from a seed, offline), or tokenize a text file into GPT-2 token files (offline)")
    .addArgument(new Argument("<name>", "dataset").choices(["text8", "fortunes", "sudoku", "tokenize"]))
    .option("--from <file>", "text8: use a local text8 or text8.zip instead of downloading; tokenize: the text file to encode")
    .option("--out <path>", "where to write (default: data/text8, data/fortunes.txt or data/sudoku; tokenize: required, a folder)")
    .option("--train <n>", `sudoku: complete training grids (default ${d.train})`, intAtLeast(1))
    .option("--valid <n>", `sudoku: complete validation grids (default ${d.valid})`, intAtLeast(1))
    .option("--test <n>", `sudoku: test puzzles, each with a unique solution (default ${d.test})`, intAtLeast(1))
    .option("--seed <s>", `sudoku: seed of the split (default ${d.seed})`, seedArg(2))
    .option("--difficulty <d>", `sudoku: the generator's difficulty in [0, 1] (default ${d.difficulty}: about 35 given cells)`, numberIn(0, 1))
    .option("--force", "sudoku, tokenize: replace an existing folder's files")
    .addOption(new Option("--tokenizer <t>", "tokenize: the tokenizer (GPT-2 BPE, ranks shipped with js-tiktoken)").choices(["gpt2"]))
    .option("--per-line", "tokenize: each non-empty line is a document (default: paragraphs separated by blank lines)")
    .option("--valid-every <n>", "tokenize: every n-th document goes to val.bin (default 20)", intAtLeast(2))
    .action(async (name: string, o: Opts) => {
      const misplacedTok = Object.entries(TOKENIZE_ONLY).filter(([k]) => name !== "tokenize" && o[k as keyof Opts] !== undefined).map(([, flag]) => flag);
      if (misplacedTok.length) throw new UserError(`data ${name}: ${misplacedTok.join(", ")} ${misplacedTok.length > 1 ? "apply" : "applies"} only to \`maskdiff data tokenize\``);
      if (name === "tokenize") {
        if (o.from === undefined || o.out === undefined || o.tokenizer === undefined) throw new UserError("data tokenize needs --from FILE.txt --tokenizer gpt2 --out DIR");
        return console.log(JSON.stringify(await tokenizeTextFile(o.from, o.out, { perLine: o.perLine, validEvery: o.validEvery, force: o.force })));
      }
      if (name !== "sudoku") {
        const misplaced = Object.entries(SUDOKU_ONLY).filter(([k]) => o[k as keyof Opts] !== undefined).map(([, flag]) => flag);
        if (misplaced.length) throw new UserError(`data ${name}: ${misplaced.join(", ")} ${misplaced.length > 1 ? "apply" : "applies"} only to \`maskdiff data sudoku\``);
      } else if (o.from !== undefined) throw new UserError("data sudoku: --from applies only to text8 (Sudoku grids are generated, not read)");
      try {
        if (name === "fortunes") {
          const s = prepareFortunes({ outFile: o.out ?? defaultFortunesPath(), sourceDir: DEBIAN_FORTUNES_DIR });
          console.log(JSON.stringify(s));
        } else if (name === "sudoku") {
          const outDir = o.out ?? defaultSudokuDir();
          const meta = prepareSudoku({ outDir, train: o.train, valid: o.valid, test: o.test, seed: o.seed, difficulty: o.difficulty, force: o.force });
          console.log(JSON.stringify({ out: outDir, ...meta }));
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
