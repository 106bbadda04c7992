/** Text file -> GPT-2 token folder (train.bin, val.bin, meta.json), streamed: documents are encoded one at a time. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { UserError } from "../cli/user-error.js";
import { GPT2_SPLIT_FILES } from "./gpt2-dataset.js";
import { GPT2_EOS, gpt2Encode } from "./gpt2-tokenizer.js";

/** Options of tokenizeTextFile. */
export interface TokenizeOptions {
  /** Each non-empty line is a document (default: documents are paragraphs separated by blank lines). */
  perLine?: boolean;
  /** Every n-th document (the n-th, 2n-th, ...) goes to val.bin, the others to train.bin (default 20: 5 %). */
  validEvery?: number;
  /** Replace the token files of an existing folder (default: refuse). */
  force?: boolean;
}

/** What tokenizeTextFile wrote (also saved as meta.json). */
export interface TokenizeReport {
  source: string;
  tokenizer: "gpt2";
  eos: number;
  documents: { train: number; valid: number };
  tokens: { train: number; valid: number };
}

/**
 * Encodes each document of `from` with GPT-2 BPE and appends its ids and one EOS to train.bin or val.bin in outDir
 * (flat little-endian uint16). Files are written under temporary names and renamed when complete.
 */
export async function tokenizeTextFile(from: string, outDir: string, opts: TokenizeOptions = {}): Promise<TokenizeReport> {
  const every = opts.validEvery ?? 20;
  if (!Number.isSafeInteger(every) || every < 2) throw new UserError(`--valid-every must be an integer of at least 2, got ${every}`);
  if (!fs.existsSync(from) || !fs.statSync(from).isFile()) throw new UserError(`--from ${from} is not a readable text file`);
  const names = { train: path.join(outDir, GPT2_SPLIT_FILES.train), valid: path.join(outDir, GPT2_SPLIT_FILES.valid) };
  const existing = [names.train, names.valid, path.join(outDir, "meta.json")].filter((p) => fs.existsSync(p));
  if (existing.length > 0 && !opts.force) throw new UserError(`--out ${outDir} already holds ${existing.map((p) => path.basename(p)).join(", ")}; give another folder, or --force to replace them`);
  fs.mkdirSync(outDir, { recursive: true });
  const temp = (p: string) => `${p}.tmp-${process.pid}`;
  const fds = { train: fs.openSync(temp(names.train), "w"), valid: fs.openSync(temp(names.valid), "w") };
  const report: TokenizeReport = { source: from, tokenizer: "gpt2", eos: GPT2_EOS, documents: { train: 0, valid: 0 }, tokens: { train: 0, valid: 0 } };
  let doc: string[] = [];
  const emit = () => {
    if (doc.length === 0) return;
    const ids = gpt2Encode(doc.join("\n"));
    ids.push(GPT2_EOS);
    doc = [];
    const split = (report.documents.train + report.documents.valid + 1) % every === 0 ? "valid" : "train";
    const buf = Buffer.alloc(2 * ids.length);
    ids.forEach((id, i) => buf.writeUInt16LE(id, 2 * i));
    fs.writeSync(fds[split], buf);
    report.documents[split]++;
    report.tokens[split] += ids.length;
  };
  try {
    const lines = readline.createInterface({ input: fs.createReadStream(from, { encoding: "utf8" }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === "") emit();
      else {
        doc.push(line);
        if (opts.perLine) emit();
      }
    }
    emit();
  } finally {
    fs.closeSync(fds.train);
    fs.closeSync(fds.valid);
  }
  if (report.documents.train === 0 || report.documents.valid === 0) {
    for (const p of Object.values(names)) fs.rmSync(temp(p), { force: true });
    const n = report.documents.train + report.documents.valid;
    throw new UserError(`${from} holds ${n} document${n === 1 ? "" : "s"}: with --valid-every ${every} one split would be empty (need at least ${every} documents${opts.perLine ? "" : " — paragraphs separated by blank lines, or use --per-line"})`);
  }
  for (const p of Object.values(names)) fs.renameSync(temp(p), p);
  fs.writeFileSync(path.join(outDir, "meta.json"), JSON.stringify(report, null, 2) + "\n");
  return report;
}
