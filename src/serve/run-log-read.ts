/** Reading a training run's log.jsonl while it may still be written: complete lines only. */
import { readFileSync } from "node:fs";

/** One log record: train rows carry loss and lr, validation rows carry `valid` (see src/train/trainer.ts). */
export type RunRecord = Record<string, unknown> & { step?: number };

/** The complete, parseable records of a log (a half-written last line is left for the next read). */
export function readRunLog(path: string): RunRecord[] {
  const text = readFileSync(path, "utf8");
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  const out: RunRecord[] = [];
  for (const line of complete.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line) as unknown;
      if (r !== null && typeof r === "object" && !Array.isArray(r)) out.push(r as RunRecord);
    } catch {
      // not JSON: skipped, as a reader of a foreign file should
    }
  }
  return out;
}
