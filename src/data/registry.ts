/** Datasets by name, for the CLI and configs: "fortunes", "markov", "text8", "text:<path>", "hmm", "sudoku", "gpt2", "gpt2:<dir>", and the coupled-token tasks. */
import { MaskdiffError, UserError } from "../errors.js";
import { loadFortunes } from "./corpus.js";
import { COUPLED_TASKS, coupledDataset, type CoupledDatasetOptions, type CoupledTask } from "./coupled.js";
import type { TokenDataset, TokenStream } from "./dataset.js";
import { loadGpt2Tokens } from "./gpt2-dataset.js";
import { hmmDataset, type HmmDatasetOptions } from "./hmm-dataset.js";
import { markovDataset, type MarkovDatasetOptions } from "./markov-dataset.js";
import { loadSudoku } from "./sudoku-dataset.js";
import { loadText8 } from "./text8.js";
import { loadTextFile } from "./text-file.js";

/** The names datasetFromName accepts ("text:" takes a file path after the colon). */
export const DATASET_NAMES: readonly string[] = ["fortunes", "markov", "text8", "text:<path>", "hmm", "sudoku", "gpt2", "gpt2:<dir>", ...Object.keys(COUPLED_TASKS)];

/** Options of datasetFromName; each name reads only the fields it needs. */
export interface DatasetOptions extends MarkovDatasetOptions, HmmDatasetOptions, CoupledDatasetOptions {
  /** fortunes: the prepared corpus file (default data/fortunes.txt). */
  file?: string;
  /** text8, sudoku: the prepared folder (default data/text8, data/sudoku). */
  dir?: string;
  /** gpt2:<dir>: rows of this many tokens, wrapped the MDLM way (BOS + seqLen − 2 tokens + EOS). */
  seqLen?: number;
}

/** Loads a dataset by name; throws listing the valid names for an unknown one. */
export function datasetFromName(name: string, opts: DatasetOptions = {}): TokenDataset<TokenStream> {
  if (name === "fortunes") return loadFortunes(opts.file);
  if (name === "markov") return optionsChecked(name, () => markovDataset(opts));
  if (name === "hmm") return optionsChecked(name, () => hmmDataset(opts));
  if (name === "text8") return loadText8(opts.dir);
  if (name === "sudoku") return loadSudoku(opts.dir);
  if (name in COUPLED_TASKS) return coupledDataset(name as CoupledTask, opts);
  if (name === "gpt2") return loadGpt2Tokens(undefined);
  if (name.startsWith("gpt2:")) {
    const dir = name.slice("gpt2:".length);
    if (dir.length === 0) throw new UserError(`Dataset name "gpt2:" needs a token folder after the colon, e.g. "gpt2:data/owt"`);
    return loadGpt2Tokens(dir, opts.seqLen);
  }
  if (name.startsWith("text:")) {
    const file = name.slice("text:".length);
    if (file.length === 0) throw new UserError(`Dataset name "text:" needs a file path after the colon, e.g. "text:corpus.txt"`);
    return loadTextFile(file);
  }
  throw new UserError(`Unknown dataset name ${JSON.stringify(name)}; valid names: ${DATASET_NAMES.join(", ")}`);
}

/** Builds a generated dataset; its builder's option checks (plain Errors) become a UserError naming the dataset. */
function optionsChecked(name: string, build: () => TokenDataset<TokenStream>): TokenDataset<TokenStream> {
  try {
    return build();
  } catch (e) {
    if (e instanceof MaskdiffError || !(e instanceof Error)) throw e;
    throw new UserError(`dataset "${name}": ${e.message}`, { cause: e });
  }
}
