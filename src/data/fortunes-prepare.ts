/**
 * Builds the built-in English corpus from Debian's `fortunes` data files. Files: every regular file
 * (symlinks such as *.u8 and sub-folders such as off/, the ROT13 set, skipped) in the source folder
 * whose name does not end in ".dat" and is not excluded, read in code-unit name order. Entries are
 * separated by lines holding only '%'; terminal overstrike (x\b) is applied; each entry is normalised
 * with normalizeText; empty and repeated entries are dropped (first kept); the entries are shuffled
 * with a fixed seed (so the contiguous 90/5/5 split mixes all files) and joined by single spaces.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Rng } from "../engine/rng.js";
import { writeFilesAtomically } from "./atomic-write.js";
import { normalizeText } from "./char-text.js";

/** Where Debian installs the fortune files. */
export const DEBIAN_FORTUNES_DIR = "/usr/share/games/fortunes";

/** Files left out by default: ascii-art holds pictures drawn with punctuation, not prose. */
export const DEFAULT_FORTUNE_EXCLUDES: readonly string[] = ["ascii-art"];

/** Seed of the fixed entry shuffle. */
export const FORTUNES_SHUFFLE_SEED = 0;

/** Options of prepareFortunes. */
export interface PrepareFortunesOptions {
  /** Folder of fortune files (default DEBIAN_FORTUNES_DIR). */
  sourceDir?: string;
  /** Output text file; the stats go next to it as <name>.json. */
  outFile: string;
  /** File names to skip (default DEFAULT_FORTUNE_EXCLUDES). */
  exclude?: readonly string[];
  /** Shuffle seed (default FORTUNES_SHUFFLE_SEED). */
  shuffleSeed?: number;
}

/** What prepareFortunes wrote. */
export interface FortunesStats {
  /** Source folder. */
  source: string;
  /** Entries kept per file, in reading order. */
  files: { name: string; entries: number }[];
  /** Entries in the corpus. */
  entries: number;
  /** Repeated entries dropped. */
  duplicatesDropped: number;
  /** Characters in the corpus. */
  chars: number;
  /** SHA-256 of the corpus text. */
  sha256: string;
  /** Shuffle seed used. */
  shuffleSeed: number;
}

/** Applies terminal backspaces: each "\b" deletes the character before it ("_\bA" → "A"). */
export function applyBackspaces(text: string): string {
  if (!text.includes("\b")) return text;
  const out: string[] = [];
  for (const ch of text) {
    if (ch === "\b") out.pop();
    else out.push(ch);
  }
  return out.join("");
}

/** Splits a fortune file's text into its raw entries (separator: a line holding only '%'). */
export function splitFortuneEntries(text: string): string[] {
  return text.split(/^%\r?$/m).map((e) => e.trim()).filter((e) => e.length > 0);
}

/** The fortune data files of a folder, in code-unit name order (see the module comment for the rule). */
export function listFortuneFiles(dir: string, exclude: readonly string[] = DEFAULT_FORTUNE_EXCLUDES): string[] {
  if (!fs.existsSync(dir)) {
    throw new Error(
      `Fortune folder ${dir} does not exist; install Debian's fortunes package ` +
        `(apt-get install -y --no-install-recommends fortunes) or pass another sourceDir`,
    );
  }
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.endsWith(".dat") && !exclude.includes(d.name))
    .map((d) => d.name);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new Error(`Fortune folder ${dir} holds no fortune files (expected text files beside *.dat indexes)`);
  return names;
}

/** Reads, normalises, de-duplicates and shuffles the fortunes; writes outFile and outFile's .json stats. */
export function prepareFortunes(opts: PrepareFortunesOptions): FortunesStats {
  const sourceDir = opts.sourceDir ?? DEBIAN_FORTUNES_DIR;
  const shuffleSeed = opts.shuffleSeed ?? FORTUNES_SHUFFLE_SEED;
  const seen = new Set<string>();
  const entries: string[] = [];
  const files: FortunesStats["files"] = [];
  let duplicatesDropped = 0;
  for (const name of listFortuneFiles(sourceDir, opts.exclude)) {
    const text = applyBackspaces(fs.readFileSync(path.join(sourceDir, name), "utf8"));
    let kept = 0;
    for (const raw of splitFortuneEntries(text)) {
      const e = normalizeText(raw);
      if (e.length === 0) continue;
      if (seen.has(e)) {
        duplicatesDropped++;
        continue;
      }
      seen.add(e);
      entries.push(e);
      kept++;
    }
    files.push({ name, entries: kept });
  }
  const rng = new Rng(shuffleSeed);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  const corpus = entries.join(" ");
  const stats: FortunesStats = {
    source: sourceDir,
    files,
    entries: entries.length,
    duplicatesDropped,
    chars: corpus.length,
    sha256: createHash("sha256").update(corpus).digest("hex"),
    shuffleSeed,
  };
  const statsFile = opts.outFile.replace(/\.txt$/, "") + ".json";
  writeFilesAtomically([
    { path: opts.outFile, data: corpus },
    { path: statsFile, data: JSON.stringify(stats, null, 2) + "\n" },
  ]);
  return stats;
}
