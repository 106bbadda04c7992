/** GPT-2 byte-level BPE (the ranks ship inside the js-tiktoken package: nothing is downloaded) and its EOS convention. */
import { Tiktoken } from "js-tiktoken/lite";
import gpt2Ranks from "js-tiktoken/ranks/gpt2";

/** Real GPT-2 token ids: 0..50256. */
export const GPT2_VOCAB_SIZE = 50257;

/** "<|endoftext|>": GPT-2's one special token, used both as BOS and as EOS (MDLM's OpenWebText convention). */
export const GPT2_EOS = 50256;

/** The id an absorbing-mask model gives its mask (one past the real tokens: MDLM's GPT-2 checkpoints use 50257). */
export const GPT2_MASK_ID = GPT2_VOCAB_SIZE;

let encoder: Tiktoken | null = null;
const bpe = (): Tiktoken => (encoder ??= new Tiktoken(gpt2Ranks));

/** Token ids of text; "<|endoftext|>" inside the text is encoded as ordinary characters, never as the EOS id. */
export function gpt2Encode(text: string): number[] {
  return bpe().encode(text, [], []);
}

/**
 * Text of ids (EOS shown as "<|endoftext|>", the mask id as "[MASK]"); bytes that do not form whole UTF-8
 * characters (a token sequence cut mid-character) become U+FFFD. Throws on an id outside 0..50257.
 */
export function gpt2Decode(ids: ArrayLike<number>): string {
  let out = "";
  let run: number[] = [];
  const flush = () => {
    if (run.length) out += bpe().decode(run);
    run = [];
  };
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id > GPT2_MASK_ID) throw new Error(`gpt2Decode: id ${id} at position ${i} is not a GPT-2 token id (0..${GPT2_VOCAB_SIZE - 1}) or the mask id ${GPT2_MASK_ID}`);
    if (id === GPT2_MASK_ID) {
      flush();
      out += "[MASK]";
    } else run.push(id);
  }
  flush();
  return out;
}
