/**
 * A resumable eval-samplers table: rows are appended to a JSONL file as they finish, one line per row (one
 * write each); a rerun reads the finished rows back and computes only the missing ones. Every line carries
 * the run's fixed arguments, and a file written with other fixed arguments is refused, so tables never mix.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync } from "node:fs";
import type { SamplerEvalRow } from "./sampler-eval.js";

/** The arguments every row of one table shares (written into each line). */
export interface TableKey {
  /** The checkpoint's path as given. */
  checkpoint: string;
  /** SHA-256 of the checkpoint file: the identity that is matched. */
  checkpoint_sha256: string;
  n: number;
  seed: number;
  top_p: number;
  top_p_variant: string;
  trigram_alpha: number;
  /** Monte-Carlo draws of the model entropy bound per sample. */
  entropy_draws: number;
}

/** The fields of TableKey that must match (the path may differ between runs). */
const MATCHED: readonly (keyof TableKey)[] = ["checkpoint_sha256", "n", "seed", "top_p", "top_p_variant", "trigram_alpha", "entropy_draws"];

/** A row's identity within a table: its sampler spec and T. */
export function rowId(sampler: string, T: number | null): string {
  return `${sampler} @ T=${T ?? "—"}`;
}

/** The finished rows of a table file, by rowId. */
export interface ResumedTable {
  rows: Map<string, SamplerEvalRow>;
  /** Bytes of an unfinished last line that were dropped (0 if none). */
  droppedBytes: number;
}

/**
 * Reads `path` (absent: an empty table). An unfinished last line (no newline: a crash during its write) is cut off
 * the file; any other unreadable line, or a line written with other fixed arguments than `key`, throws an Error
 * that says which line and which argument.
 */
export function readTable(path: string, key: TableKey): ResumedTable {
  const rows = new Map<string, SamplerEvalRow>();
  if (!existsSync(path)) return { rows, droppedBytes: 0 };
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  const droppedBytes = Buffer.byteLength(text.slice(end));
  if (droppedBytes > 0) truncateSync(path, Buffer.byteLength(text.slice(0, end)));
  text.slice(0, end).split("\n").slice(0, -1).forEach((line, i) => {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${path} line ${i + 1} is not JSON; expected one eval-samplers row per line`);
    }
    if (typeof obj.sampler !== "string" || !("T" in obj)) throw new Error(`${path} line ${i + 1} is not an eval-samplers row (no sampler and T)`);
    for (const k of MATCHED) {
      if (obj[k] !== key[k])
        throw new Error(`${path} line ${i + 1} was computed with ${k} = ${JSON.stringify(obj[k])}, this run has ${JSON.stringify(key[k])}: write to another --out file (rows of different runs are not mixed)`);
    }
    const row = { ...obj };
    for (const k of [...MATCHED, "checkpoint"]) delete row[k];
    rows.set(rowId(obj.sampler, obj.T as number | null), row as unknown as SamplerEvalRow);
  });
  return { rows, droppedBytes };
}

/** Appends one row with the table's key as a single line, flushed to disk before returning. */
export function appendRow(path: string, key: TableKey, row: SamplerEvalRow): void {
  appendFileSync(path, JSON.stringify({ ...row, ...key }) + "\n");
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
