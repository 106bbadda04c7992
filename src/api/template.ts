/** `--template`: a sequence with given and free positions ('_' = free), read with a dataset's own symbols. */
import type { TokenDataset, TokenStream } from "../data/dataset.js";
import { UserError } from "../errors.js";

/** The character that marks a free position in a template. */
export const FREE_MARK = "_";

/** Data tokens of a template (free positions as the mask id V); every other character must be one symbol of the dataset. */
export function templateTokens(data: TokenDataset<TokenStream>, template: string): Int32Array {
  const bySymbol = new Map<string, number>();
  for (let v = 0; v < data.vocabSize; v++) bySymbol.set(data.decode([v]), v);
  const chars = Array.from(template);
  if (chars.length === 0) throw new UserError("--template is empty: give the sequence with '_' at the free positions");
  return Int32Array.from(chars, (ch, i) => {
    if (ch === FREE_MARK) return data.vocabSize;
    const v = bySymbol.get(ch);
    if (v === undefined) throw new UserError(`--template: character ${JSON.stringify(ch)} at position ${i} is not a symbol of data '${data.name}' (use '${FREE_MARK}' for a free position)`);
    return v;
  });
}
