/** Any text file as a character dataset: normalised to the 27-symbol alphabet, split 90/5/5. */
import * as fs from "node:fs";
import { encode, normalizeText } from "./char-text.js";
import { charDataset } from "./char-dataset.js";
import type { TokenDataset } from "./dataset.js";

/** Reads file as UTF-8, applies normalizeText, and splits the stream contiguously 90/5/5. */
export function loadTextFile(file: string): TokenDataset {
  if (!fs.existsSync(file)) throw new Error(`Text dataset: file ${file} does not exist`);
  const ids = encode(normalizeText(fs.readFileSync(file, "utf8")));
  if (ids.length === 0) throw new Error(`Text dataset: ${file} has no letters a-z after normalisation`);
  return charDataset(`text:${file}`, ids, file);
}
