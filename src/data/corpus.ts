/** The built-in real-English character corpus (Debian fortunes), loaded from data/fortunes.txt. */
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeBytes } from "./char-text.js";
import { charDataset } from "./char-dataset.js";
import type { TokenDataset } from "./dataset.js";
import { defaultDataDir } from "./paths.js";
import { readRegularFile } from "./read-file.js";

/** Default location of the prepared corpus: <package root>/data/fortunes.txt. */
export function defaultFortunesPath(): string {
  return path.join(defaultDataDir(), "fortunes.txt");
}

/** Reads a prepared corpus file (27-symbol text, at most one trailing newline) as ids. */
export function readCharFile(file: string): Uint8Array {
  let bytes: Uint8Array = readRegularFile(file, { what: "corpus file" });
  if (bytes.length > 0 && bytes[bytes.length - 1] === 10) bytes = bytes.subarray(0, bytes.length - 1);
  return encodeBytes(bytes, file);
}

/** The fortunes corpus as a TokenDataset with the fixed contiguous 90/5/5 split. */
export function loadFortunes(file: string = defaultFortunesPath()): TokenDataset {
  if (!fs.existsSync(file)) {
    throw new Error(
      `The built-in corpus ${file} is missing: run \`npm run prepare-data\` ` +
        `(it needs Debian's fortunes package: apt-get install -y --no-install-recommends fortunes)`,
    );
  }
  const ids = readCharFile(file);
  if (ids.length < 100) throw new Error(`The corpus ${file} holds only ${ids.length} characters; expected a prepared corpus`);
  return charDataset("fortunes", ids, file);
}
