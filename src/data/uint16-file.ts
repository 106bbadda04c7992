/** A flat little-endian uint16 token file (nanoGPT / OpenWebText layout) read by positioned reads, never whole. */
import * as fs from "node:fs";
import { UserError } from "../cli/user-error.js";
import type { TokenStream } from "./dataset.js";

/** Tokens of a uint16 file; each range is read from disk when asked for and every id is checked against the vocabulary (the file stays open for the process). */
export class Uint16FileStream implements TokenStream {
  readonly length: number;
  private readonly fd: number;

  /** Opens file (a regular file of an even number of bytes) whose ids must all be below vocabSize. */
  constructor(readonly file: string, readonly vocabSize: number) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new UserError(`token file ${file} does not exist`);
    }
    if (!st.isFile()) throw new UserError(`token file ${file} is not a regular file`);
    if (st.size % 2 !== 0) throw new UserError(`token file ${file} has ${st.size} bytes, an odd number: a flat uint16 token file has 2 bytes per token`);
    this.length = st.size / 2;
    this.fd = fs.openSync(file, "r");
  }

  /** Tokens [begin, end) read from the file; throws naming the position of an id outside the vocabulary. */
  subarray(begin: number, end: number): Uint16Array {
    const b = Math.max(0, Math.min(begin, this.length));
    const e = Math.max(b, Math.min(end, this.length));
    const bytes = Buffer.alloc(2 * (e - b));
    let got = 0;
    while (got < bytes.length) {
      const n = fs.readSync(this.fd, bytes, got, bytes.length - got, 2 * b + got);
      if (n === 0) throw new UserError(`token file ${this.file} ended early (was it truncated while in use?)`);
      got += n;
    }
    const out = new Uint16Array(e - b);
    for (let i = 0; i < out.length; i++) {
      const id = bytes.readUInt16LE(2 * i);
      if (id >= this.vocabSize) throw new UserError(`token file ${this.file}: token ${b + i} is ${id}, outside the vocabulary 0..${this.vocabSize - 1}`);
      out[i] = id;
    }
    return out;
  }
}
