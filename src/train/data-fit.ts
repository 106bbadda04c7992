/**
 * Whether a dataset's splits are long enough for a sequence length: training draws rows of L tokens
 * from the train split, validation (and `maskdiff eval`) uses whole length-L chunks of the valid or test
 * split. Checked when the config and data are loaded, before a run directory is created or any training
 * step runs, so that a text file too short for data.seqLen is one message instead of a stack trace after
 * the training time was spent.
 */
import { UserError } from "../cli/user-error.js";
import type { Splits, TokenDataset, TokenStream } from "../data/dataset.js";

/** Throws a UserError unless each named split of `data` holds at least one length-seqLen chunk (and seqLen fits its records). */
export function checkSplitsFit(data: TokenDataset<TokenStream>, seqLen: number, splits: readonly (keyof Splits)[] = ["train", "valid"]): void {
  const r = data.recordLength;
  if (r !== undefined && seqLen % r !== 0)
    throw new UserError(`data '${data.name}' is made of independent records of ${r} tokens: data.seqLen (${seqLen}) must be a multiple of ${r} (e.g. ${r})`);
  const uses = { train: "one training sequence", valid: "one validation chunk", test: "one test chunk" } as const;
  for (const split of splits) {
    const n = data.splits[split].length;
    if (n >= seqLen) continue;
    const total = data.splits.train.length + data.splits.valid.length + data.splits.test.length;
    throw new UserError(
      `data '${data.name}': the ${split} split has ${n} tokens, fewer than data.seqLen ${seqLen} needed for ${uses[split]} ` +
        `(the dataset has ${total} tokens in all: use more data or a smaller data.seqLen)`,
    );
  }
}
