/**
 * text8 (Mahoney): one line of 100,000,000 characters 'a'..'z' and space. Prepared layout: outDir
 * holds train.txt, valid.txt and test.txt (the contiguous 90M/5M/5M split, same byte format as
 * text8) and meta.json; loadText8 reads them back. Only downloadText8 touches the network.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { writeFilesAtomically } from "./atomic-write.js";
import { encodeBytes } from "./char-text.js";
import { charDatasetFromSplits } from "./char-dataset.js";
import { splitStream, type TokenDataset } from "./dataset.js";
import { defaultDataDir } from "./paths.js";
import { readRegularFile } from "./read-file.js";

/** The official download. */
export const TEXT8_URL = "http://mattmahoney.net/dc/text8.zip";

/** Characters in the official text8 file. */
export const TEXT8_SIZE = 100_000_000;

/** Default prepared folder: <package root>/data/text8. */
export function defaultText8Dir(): string {
  return path.join(defaultDataDir(), "text8");
}

/** What prepareText8 wrote (also saved as meta.json). */
export interface Text8Meta {
  /** Where the text came from. */
  source: string;
  /** Characters in the whole file. */
  chars: number;
  /** SHA-256 of the whole text. */
  sha256: string;
  /** Characters per split. */
  sizes: { train: number; valid: number; test: number };
}

/** Options of prepareText8 and downloadText8. */
export interface Text8Options {
  /** Required character count (downloadText8 defaults to TEXT8_SIZE; prepareText8 checks nothing). */
  expectedSize?: number;
}

const SPLIT_FILES = ["train", "valid", "test"] as const;

const isZip = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** The text8 bytes of a zip (its entry named "text8") or of a plain text8 file; one trailing newline is dropped. */
export function text8Bytes(bytes: Uint8Array, where: string): Uint8Array {
  let text = bytes;
  if (isZip(bytes)) {
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(bytes);
    } catch (e) {
      throw new Error(`text8: ${where} is not a readable zip (truncated or corrupt download?): ${(e as Error).message}`);
    }
    const entry = files["text8"];
    if (entry === undefined) {
      throw new Error(`text8: zip ${where} has entries ${JSON.stringify(Object.keys(files))}; expected one named "text8"`);
    }
    text = entry;
  }
  if (text.length > 0 && text[text.length - 1] === 10) text = text.subarray(0, text.length - 1);
  return text;
}

/** Validates text8 bytes (alphabet, optional size) and writes the split files and meta.json atomically. */
export function prepareText8FromBytes(bytes: Uint8Array, outDir: string, source: string, opts: Text8Options = {}): Text8Meta {
  const text = text8Bytes(bytes, source);
  if (opts.expectedSize !== undefined && text.length !== opts.expectedSize) {
    throw new Error(`text8: ${source} unpacks to ${text.length} characters; expected ${opts.expectedSize}`);
  }
  if (text.length === 0) throw new Error(`text8: ${source} is empty`);
  encodeBytes(text, `text8 ${source}`); // alphabet check: throws at the first byte outside 'a'..'z' and space
  const parts = splitStream(text);
  const meta: Text8Meta = {
    source,
    chars: text.length,
    sha256: createHash("sha256").update(text).digest("hex"),
    sizes: { train: parts.train.length, valid: parts.valid.length, test: parts.test.length },
  };
  writeFilesAtomically([
    ...SPLIT_FILES.map((s) => ({ path: path.join(outDir, `${s}.txt`), data: parts[s] })),
    { path: path.join(outDir, "meta.json"), data: JSON.stringify(meta, null, 2) + "\n" },
  ]);
  return meta;
}

/** Prepares text8 from a local text8 file or text8.zip into outDir (see the module comment for the layout). */
export function prepareText8(zipOrTextPath: string, outDir: string = defaultText8Dir(), opts: Text8Options = {}): Text8Meta {
  if (!fs.existsSync(zipOrTextPath)) throw new Error(`text8: input file ${zipOrTextPath} does not exist`);
  return prepareText8FromBytes(fs.readFileSync(zipOrTextPath), outDir, zipOrTextPath, opts);
}

/** The part of fetch's Response that downloadText8 uses. */
export interface FetchResponseLike {
  /** True for HTTP 2xx. */
  ok: boolean;
  /** HTTP status code. */
  status: number;
  /** HTTP status text. */
  statusText: string;
  /** The whole body. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A fetch-compatible function (injected in tests). */
export type FetchLike = (url: string) => Promise<FetchResponseLike>;

/**
 * Downloads text8.zip, checks it (100,000,000 characters of 'a'..'z' and space unless expectedSize
 * says otherwise) in memory, then writes the prepared folder; on any failure nothing is written.
 */
export async function downloadText8(
  outDir: string = defaultText8Dir(),
  fetchImpl: FetchLike = fetch,
  opts: Text8Options & { url?: string } = {},
): Promise<Text8Meta> {
  const url = opts.url ?? TEXT8_URL;
  let body: Uint8Array;
  try {
    const res = await fetchImpl(url);
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
    body = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new Error(`text8: downloading ${url} failed: ${(e as Error).message}; nothing was written to ${outDir}`);
  }
  if (!isZip(body)) throw new Error(`text8: ${url} did not return a zip file (got ${body.length} bytes); nothing was written to ${outDir}`);
  try {
    return prepareText8FromBytes(body, outDir, url, { expectedSize: opts.expectedSize ?? TEXT8_SIZE });
  } catch (e) {
    throw new Error(`${(e as Error).message}; nothing was written to ${outDir}`);
  }
}

/** Loads a prepared text8 folder as a TokenDataset (V = 27). */
export function loadText8(dir: string = defaultText8Dir()): TokenDataset {
  const files = SPLIT_FILES.map((s) => path.join(dir, `${s}.txt`));
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    throw new Error(
      `text8: prepared folder ${dir} lacks ${missing.map((f) => path.basename(f)).join(", ")}; ` +
        `run \`maskdiff data text8\` to download it, or prepareText8(<text8 or text8.zip>, "${dir}")`,
    );
  }
  const [train, valid, test] = files.map((f) => encodeBytes(readRegularFile(f, { what: "text8 file" }), f)) as [Uint8Array, Uint8Array, Uint8Array];
  return charDatasetFromSplits("text8", { train, valid, test }, dir);
}
