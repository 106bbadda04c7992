/** Reading a user-named data file safely: a regular file, at most a size limit, checked before reading. */
import * as fs from "node:fs";
import { UserError } from "../cli/user-error.js";

/** Default limit for a text dataset: 256 MiB (text8 is 100 MB; a JS string holds at most ~512 MiB). */
export const MAX_TEXT_FILE_BYTES = 256 * 2 ** 20;

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 3 : 0)} MiB`;

/**
 * Reads file, which must be a regular file (after following symbolic links) of at most maxBytes
 * bytes. The file is opened non-blocking (a FIFO would otherwise block the open) and checked with
 * fstat on the open descriptor, then read in chunks that stop past maxBytes, so files whose size
 * stat does not report (/proc) cannot exceed the limit either. Throws one UserError saying what was
 * wrong and the limit.
 */
export function readRegularFile(file: string, opts: { what?: string; maxBytes?: number } = {}): Buffer {
  const what = opts.what ?? "file";
  const max = opts.maxBytes ?? MAX_TEXT_FILE_BYTES;
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`${what} ${file} does not exist`);
    if (code === "EISDIR") throw new UserError(`${what} ${file} is a directory, not a regular file`);
    throw new UserError(`${what} ${file} cannot be opened: ${(e as Error).message}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${what} ${file} is ${kindOf(st)}; expected a regular file of at most ${mib(max)}`);
    if (st.size > max) throw new UserError(`${what} ${file} is ${mib(st.size)}, more than the ${mib(max)} limit`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(max + 1 - total, 1 << 20) || 1);
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw new UserError(`${what} ${file} holds more than the ${mib(max)} limit`);
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}
