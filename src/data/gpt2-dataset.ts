/**
 * Pre-tokenised GPT-2 corpora in nanoGPT's layout: a folder with train.bin and val.bin (test.bin optional), flat
 * little-endian uint16 token files with documents separated by EOS. Dataset names: "gpt2:<dir>" (those files, rows
 * wrapped the MDLM way) and "gpt2" (the vocabulary alone, no data: enough to sample an imported model).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "../cli/user-error.js";
import { splitSizes, type Splits, type TokenDataset, type TokenStream } from "./dataset.js";
import { GPT2_EOS, GPT2_VOCAB_SIZE, gpt2Decode } from "./gpt2-tokenizer.js";
import { Uint16FileStream } from "./uint16-file.js";
import { WrappedStream } from "./wrapped-stream.js";

/** The split files of a token folder, by split. */
export const GPT2_SPLIT_FILES = { train: "train.bin", valid: "val.bin", test: "test.bin" } as const;

const empty: TokenStream = new Uint16Array(0);

/**
 * The GPT-2 dataset of `dir` (or of no data when dir is undefined). With seqLen, each split is wrapped as MDLM wraps
 * OpenWebText (rows of BOS + seqLen − 2 tokens + EOS, recordLength = seqLen so training rows are whole rows);
 * without, the files' own token streams.
 */
export function loadGpt2Tokens(dir: string | undefined, seqLen?: number): TokenDataset<TokenStream> {
  const open = (split: keyof Splits): TokenStream => {
    if (dir === undefined) return empty;
    const file = path.join(dir, GPT2_SPLIT_FILES[split]);
    if (split === "test" && !fs.existsSync(file)) return empty;
    if (!fs.existsSync(file))
      throw new UserError(`GPT-2 token folder ${dir} has no ${GPT2_SPLIT_FILES[split]}; make one with: maskdiff data tokenize --from FILE.txt --tokenizer gpt2 --out ${dir}`);
    const raw = new Uint16FileStream(file, GPT2_VOCAB_SIZE);
    return seqLen === undefined ? raw : new WrappedStream(raw, seqLen, GPT2_EOS, GPT2_EOS);
  };
  const splits: Splits<TokenStream> = { train: open("train"), valid: open("valid"), test: open("test") };
  return {
    name: dir === undefined ? "gpt2" : `gpt2:${dir}`,
    vocabSize: GPT2_VOCAB_SIZE,
    decode: gpt2Decode,
    splits,
    meta: { source: dir ?? "(no data: GPT-2 vocabulary only)", sizes: splitSizes(splits), wrappedRows: seqLen ?? null },
    ...(seqLen === undefined ? {} : { recordLength: seqLen }),
  };
}
