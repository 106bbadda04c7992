/**
 * text8's 27-symbol character alphabet: ids 0..25 are 'a'..'z', id 26 is the space, and the mask
 * symbol (never in data) is id 27 = V, shown as '_' when decoded.
 */
import { UserError } from "../errors.js";

/** Number of real symbols (V): 26 letters and the space. */
export const CHAR_VOCAB_SIZE = 27;

/** Id of the space symbol. */
export const SPACE_ID = 26;

/** Id of the absorbing mask symbol (= V), never present in data. */
export const CHAR_MASK_ID = 27;

/** The symbols in id order: "abcdefghijklmnopqrstuvwxyz ". */
export const CHAR_ALPHABET = "abcdefghijklmnopqrstuvwxyz ";

const CODE_A = 97;
const CODE_SPACE = 32;

/** Byte (ASCII code) → id, or −1 for bytes outside the alphabet. */
export const BYTE_TO_ID: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 26; i++) t[CODE_A + i] = i;
  t[CODE_SPACE] = SPACE_ID;
  return t;
})();

/**
 * Normalises raw text to the 27-symbol alphabet. Rules, in order: Unicode NFKD decomposition with
 * combining marks dropped (so "é" → "e", "ﬁ" → "fi"); lowercase; every maximal run of characters that
 * are not 'a'..'z' (digits, punctuation, whitespace, other scripts) becomes one space; leading and
 * trailing spaces are removed. The result matches /^([a-z]+( [a-z]+)*)?$/.
 */
export function normalizeText(raw: string): string {
  const folded = raw.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  return folded.replace(/[^a-z]+/g, " ").trim();
}

/** Position and character of the first symbol outside the alphabet, or null when there is none. */
function firstBadChar(text: string): { index: number; char: string } | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255 || BYTE_TO_ID[c]! < 0) return { index: i, char: text[i]! };
  }
  return null;
}

/** Encodes already-normalised text ('a'..'z' and space only) to ids; throws on any other character. */
export function encode(text: string): Uint8Array {
  const bad = firstBadChar(text);
  if (bad !== null) {
    throw new UserError(
      `encode: character ${JSON.stringify(bad.char)} (code ${bad.char.codePointAt(0)}) at index ${bad.index} ` +
        `is not in the 27-symbol alphabet 'a'..'z' and space; call normalizeText(raw) first`,
    );
  }
  const ids = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) ids[i] = BYTE_TO_ID[text.charCodeAt(i)]!;
  return ids;
}

/** Encodes ASCII bytes of already-normalised text (as read from a text8-format file) to ids. */
export function encodeBytes(bytes: Uint8Array, where = "input"): Uint8Array {
  const ids = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const id = BYTE_TO_ID[bytes[i]!]!;
    if (id < 0) {
      throw new UserError(
        `${where}: byte ${bytes[i]} at offset ${i} is not in the 27-symbol alphabet 'a'..'z' and space`,
      );
    }
    ids[i] = id;
  }
  return ids;
}

/** Decodes ids to text; the mask id 27 is shown as '_'; any other id outside 0..27 throws. */
export function decode(ids: ArrayLike<number>): string {
  let out = "";
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === CHAR_MASK_ID) out += "_";
    else if (Number.isInteger(id) && id >= 0 && id < CHAR_VOCAB_SIZE) out += CHAR_ALPHABET[id];
    else throw new UserError(`decode: id ${id} at index ${i} is outside 0..${CHAR_MASK_ID} (27 symbols + mask)`);
  }
  return out;
}
