/** MDLM's wrapping of a document stream: consecutive rows of L tokens, each BOS + L − 2 stream tokens + EOS. */
import type { TokenStream } from "./dataset.js";

/**
 * The stream cut into consecutive pieces of L − 2 tokens (documents already separated by EOS, so a row may hold the
 * end of one document and the start of the next), each piece framed as [BOS, piece, EOS]; a tail shorter than
 * L − 2 is dropped. Position p is row ⌊p / L⌋, column p mod L.
 */
export class WrappedStream implements TokenStream {
  readonly length: number;

  constructor(readonly inner: TokenStream, readonly rowLength: number, readonly bos: number, readonly eos: number) {
    if (!Number.isSafeInteger(rowLength) || rowLength < 3) throw new Error(`WrappedStream: a row needs at least 3 tokens (BOS, one token, EOS), got ${rowLength}`);
    this.length = Math.floor(inner.length / (rowLength - 2)) * rowLength;
  }

  /** Tokens [begin, end) of the wrapped stream (reading only the inner tokens they cover). */
  subarray(begin: number, end: number): Int32Array {
    const L = this.rowLength;
    const b = Math.max(0, Math.min(begin, this.length));
    const e = Math.max(b, Math.min(end, this.length));
    const out = new Int32Array(e - b);
    if (e === b) return out;
    const firstRow = Math.floor(b / L);
    const inner = this.inner.subarray(firstRow * (L - 2), (Math.floor((e - 1) / L) + 1) * (L - 2));
    for (let p = b; p < e; p++) {
      const row = Math.floor(p / L);
      const col = p - row * L;
      out[p - b] = col === 0 ? this.bos : col === L - 1 ? this.eos : inner[(row - firstRow) * (L - 2) + col - 1]!;
    }
    return out;
  }
}
