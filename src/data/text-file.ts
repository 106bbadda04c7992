/** Any text file as a character dataset: normalised to the 27-symbol alphabet, split 90/5/5. */
import { encode, normalizeText } from "./char-text.js";
import { charDataset } from "./char-dataset.js";
import type { TokenDataset } from "./dataset.js";
import { MAX_TEXT_FILE_BYTES, readRegularFile } from "./read-file.js";
import { UserError } from "../cli/user-error.js";

/**
 * Reads file as UTF-8, applies normalizeText, and splits the stream contiguously 90/5/5. The file
 * must be a regular file of at most maxBytes (default MAX_TEXT_FILE_BYTES, 256 MiB), else a UserError.
 */
export function loadTextFile(file: string, opts: { maxBytes?: number } = {}): TokenDataset {
  const text = readRegularFile(file, { what: "Text dataset: file", maxBytes: opts.maxBytes ?? MAX_TEXT_FILE_BYTES }).toString("utf8");
  const ids = encode(normalizeText(text));
  if (ids.length === 0) throw new UserError(`Text dataset: ${file} has no letters a-z after normalisation`);
  return charDataset(`text:${file}`, ids, file);
}
