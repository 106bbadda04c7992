/** Reading and writing tensors in the safetensors file format. */
import { randomBytes } from "node:crypto";
import { endianness } from "node:os";
import { readdirSync, rmSync } from "node:fs";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { tensor } from "./create.js";
import { Tensor, type DType } from "./tensor.js";

/** One tensor as described by a safetensors header; begin/end are byte offsets into the data section. */
export interface SafetensorsEntry {
  name: string;
  /** The dtype it loads as (F16 and BF16 load as float32, which holds each of their values exactly). */
  dtype: DType;
  /** The half-precision format it is stored in, when it is ("F16" or "BF16"; loaded widened to float32). */
  stored?: HalfCode;
  shape: number[];
  begin: number;
  end: number;
}

/** The half-precision formats that are read (widened to float32) but never written. */
export type HalfCode = "F16" | "BF16";

/** What a safetensors header holds: the string metadata and the tensor entries, in header order. */
export interface SafetensorsHeader {
  metadata: Record<string, string>;
  entries: SafetensorsEntry[];
}

/** Options for loadSafetensors. */
export interface LoadSafetensorsOptions {
  /** Device to place the tensors on (default 'cpu'). */
  device?: string;
}

// Format codes and element sizes, in the order listed in error messages.
const CODE: Record<DType, string> = { float32: "F32", float64: "F64", int64: "I64", int32: "I32", bool: "BOOL", uint8: "U8" };
const ITEMSIZE: Record<DType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, bool: 1, uint8: 1 };
const DTYPE_OF_CODE = new Map(Object.entries(CODE).map(([d, c]) => [c, d as DType]));
const HALF_CODES: readonly HalfCode[] = ["F16", "BF16"];
const KNOWN_CODES = [...DTYPE_OF_CODE.keys(), ...HALF_CODES].join(", ");
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";

const fail = (path: string, what: string, cause?: unknown): Error =>
  new Error(`safetensors: ${path}: ${what}`, cause === undefined ? undefined : { cause });
const dims = (shape: readonly unknown[]): string => `[${shape.join(", ")}]`;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function requireLittleEndian(path: string): void {
  if (endianness() !== "LE") throw fail(path, "only little-endian hosts are supported");
}

// ---------------------------------------------------------------- writing

interface Plan {
  header: Uint8Array;
  parts: { name: string; tensor: Tensor; bytes: number }[];
}

/** Checks the inputs and builds the padded header; tensor data is read later, one tensor at a time. */
function plan(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string>): Plan {
  if (!isObject(metadata)) throw fail(path, "metadata must be an object of strings");
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") throw fail(path, `metadata '${k}' is a ${typeof v}, expected a string`);
  }
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  const parts: Plan["parts"] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name];
    if (name === METADATA_KEY) throw fail(path, `'${METADATA_KEY}' is reserved and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw fail(path, `tensor '${name}': expected a Tensor`);
    let dtype: DType, shape: number[];
    try {
      dtype = t.dtype;
      shape = t.shape;
    } catch (e) {
      throw fail(path, `tensor '${name}': ${(e as Error).message}`, e);
    }
    const code = CODE[dtype];
    if (code === undefined) throw fail(path, `tensor '${name}': dtype '${dtype}' cannot be saved`);
    const bytes = shape.reduce((a, b) => a * b, 1) * ITEMSIZE[dtype];
    header[name] = { dtype: code, shape, data_offsets: [offset, offset + bytes] };
    parts.push({ name, tensor: t, bytes });
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Buffer.alloc(Math.ceil(json.length / 8) * 8, 0x20);
  json.copy(padded);
  const out = new Uint8Array(8 + padded.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded.length), true);
  out.set(padded, 8);
  return { header: out, parts };
}

/** The raw little-endian bytes of one planned tensor, checked against the size the header promised. */
function bytesOf(path: string, part: Plan["parts"][number]): Uint8Array {
  let data: ArrayBufferView;
  try {
    data = part.tensor.data();
  } catch (e) {
    throw fail(path, `tensor '${part.name}': ${(e as Error).message}`, e);
  }
  if (data.byteLength !== part.bytes) {
    throw fail(path, `tensor '${part.name}': data has ${data.byteLength} bytes, expected ${part.bytes}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
  return position + done;
}

async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename itself has happened.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw e;
  } finally {
    await fh?.close();
  }
}

// ---------------------------------------------------------------- temporary files

/** Temporary files of writes in flight in this process (never stale). */
const inFlight = new Set<string>();
const TEMP_RE = /^(.+)\.tmp-(\d+)-[0-9a-f]{12}$/;

/** The temporary sibling a write of path goes to first: "<path>.tmp-<pid>-<12 hex digits>". */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/**
 * Removes the temporary files that killed writes left in dir: names "<file>.tmp-<pid>-<hex>"
 * whose writer is no longer running (or is this process but the write is not in flight, as
 * after a PID is reused). Files of live writers are left alone. Returns the paths removed.
 */
export function removeStaleTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const pid = Number(m[2]);
    const stale = pid === process.pid ? !inFlight.has(path) : !processIsAlive(pid);
    if (!stale) continue;
    try {
      rmSync(path, { force: true });
      removed.push(path);
    } catch {
      // a file we cannot remove is left for the user; the next write does not need its name
    }
  }
  return removed;
}

/** Whether name is a temporary file of saveSafetensors. */
export function isTempFileName(name: string): boolean {
  return TEMP_RE.test(basename(name));
}

/**
 * Writes tensors and string metadata to path in safetensors format, atomically: the data
 * goes to a temporary file beside path, is fsynced, then renamed over path; on failure an
 * existing file at path is left untouched.
 */
export async function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  requireLittleEndian(path);
  const { header, parts } = plan(path, tensors, metadata);
  const tmp = tempPathFor(path);
  inFlight.add(tmp);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, "wx");
    let pos = await writeAll(fh, header, 0);
    for (const part of parts) pos = await writeAll(fh, bytesOf(path, part), pos);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  } finally {
    inFlight.delete(tmp);
  }
  await syncDir(dirname(path));
}

// ---------------------------------------------------------------- reading

/** Reads exactly length bytes at position into a fresh, aligned buffer. */
async function readExactly(fh: FileHandle, length: number, position: number): Promise<Uint8Array> {
  const out = new Uint8Array(new ArrayBuffer(length));
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(out, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? out : out.subarray(0, done);
}

/** Validates one header entry against the data section size. */
function parseEntry(path: string, name: string, raw: unknown, dataBytes: number): SafetensorsEntry {
  const what = `tensor '${name}'`;
  if (!isObject(raw)) throw fail(path, `${what}: expected an object with dtype, shape and data_offsets`);
  const code = raw.dtype;
  if (typeof code !== "string") throw fail(path, `${what}: dtype is missing or not a string (expected one of ${KNOWN_CODES})`);
  const stored = HALF_CODES.find((c) => c === code);
  const dtype = stored ? "float32" : DTYPE_OF_CODE.get(code);
  if (dtype === undefined) throw fail(path, `${what}: dtype '${code}' is not supported (expected one of ${KNOWN_CODES})`);
  const shape = raw.shape;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw fail(path, `${what}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  const offsets = raw.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw fail(path, `${what}: data_offsets ${JSON.stringify(offsets)} is not a pair [begin, end] of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw fail(path, `${what}: data_offsets ${dims(offsets)} end before they begin`);
  const needed = (shape as number[]).reduce((a, b) => a * b, 1) * (stored ? 2 : ITEMSIZE[dtype]);
  if (!Number.isSafeInteger(needed)) throw fail(path, `${what}: shape ${dims(shape)} is too large`);
  if (end - begin !== needed) {
    throw fail(path, `${what}: data_offsets ${dims(offsets)} hold ${end - begin} bytes but shape ${dims(shape)} of ${code} needs ${needed}`);
  }
  if (end > dataBytes) {
    throw fail(path, `${what}: data_offsets ${dims(offsets)} run past the end of the ${dataBytes}-byte data section`);
  }
  return { name, dtype, ...(stored ? { stored } : {}), shape: shape as number[], begin, end };
}

/** Reads and validates the header of an open file; allocates nothing for tensor data. */
async function parseHeader(path: string, fh: FileHandle): Promise<SafetensorsHeader & { dataStart: number }> {
  const size = (await fh.stat()).size;
  if (size < 8) throw fail(path, `file is ${size} bytes, shorter than the 8-byte header length`);
  const prefix = await readExactly(fh, 8, 0);
  const declared = new DataView(prefix.buffer).getBigUint64(0, true);
  if (declared > BigInt(size - 8)) throw fail(path, `header says ${declared} bytes but only ${size - 8} follow`);
  const headerBytes = Number(declared);
  if (headerBytes > MAX_HEADER_BYTES) {
    throw fail(path, `header is ${headerBytes} bytes, more than the ${MAX_HEADER_BYTES}-byte limit`);
  }
  let parsed: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(await readExactly(fh, headerBytes, 8));
    parsed = JSON.parse(text);
  } catch (e) {
    throw fail(path, `header is not valid UTF-8 JSON (${(e as Error).message})`, e);
  }
  if (!isObject(parsed)) throw fail(path, `header is ${JSON.stringify(parsed)?.slice(0, 40)}, expected a JSON object`);

  const metadata: Record<string, string> = {};
  const rawMeta = parsed[METADATA_KEY];
  if (rawMeta !== undefined) {
    if (!isObject(rawMeta)) throw fail(path, `'${METADATA_KEY}' must be an object of strings`);
    for (const [k, v] of Object.entries(rawMeta)) {
      if (typeof v !== "string") throw fail(path, `metadata '${k}' is ${JSON.stringify(v)}, expected a string`);
      metadata[k] = v;
    }
  }

  const dataStart = 8 + headerBytes;
  const dataBytes = size - dataStart;
  const entries = Object.entries(parsed)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, raw]) => parseEntry(path, name, raw, dataBytes));

  // Non-empty tensors must not share bytes.
  const byBegin = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byBegin.length; i++) {
    const [a, b] = [byBegin[i - 1], byBegin[i]];
    if (b.begin < a.end) {
      throw fail(path, `tensors '${a.name}' [${a.begin}, ${a.end}] and '${b.name}' [${b.begin}, ${b.end}] overlap`);
    }
  }
  return { metadata, entries, dataStart };
}

/** Reads and validates a safetensors header (metadata and tensor entries) without reading tensor data. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const fh = await open(path, "r");
  try {
    const { metadata, entries } = await parseHeader(path, fh);
    return { metadata, entries };
  } finally {
    await fh.close();
  }
}

/** IEEE 754 binary16 bits -> its value (exact in float32). */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Half-precision little-endian bytes widened to float32: BF16 is the top half of a float32, F16 is decoded. */
function widen(bytes: Uint8Array, code: HalfCode): Float32Array {
  const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  if (code === "BF16") return new Float32Array(Uint32Array.from(halves, (h) => h << 16).buffer);
  return Float32Array.from(halves, halfValue);
}

/** A typed array of dtype viewing the whole of an aligned byte buffer. */
function view(bytes: Uint8Array, dtype: DType): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array {
  const b = bytes.buffer;
  switch (dtype) {
    case "float32": return new Float32Array(b);
    case "float64": return new Float64Array(b);
    case "int32": return new Int32Array(b);
    case "int64": return new BigInt64Array(b);
    case "bool": return bytes.map((v) => (v ? 1 : 0)); // torch expects 0/1 bytes
    default: return bytes;
  }
}

/** Loads every tensor and the metadata from a safetensors file, validating the header first. */
export async function loadSafetensors(
  path: string,
  opts: LoadSafetensorsOptions = {},
): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  requireLittleEndian(path);
  const fh = await open(path, "r");
  const tensors: Record<string, Tensor> = {};
  try {
    const { metadata, entries, dataStart } = await parseHeader(path, fh);
    for (const e of entries) {
      const bytes = await readExactly(fh, e.end - e.begin, dataStart + e.begin);
      if (bytes.length !== e.end - e.begin) {
        throw fail(path, `tensor '${e.name}': file ended after ${bytes.length} of its ${e.end - e.begin} bytes`);
      }
      tensors[e.name] = tensor(e.stored ? widen(bytes, e.stored) : view(bytes, e.dtype), e.shape, { dtype: e.dtype, device: opts.device ?? "cpu" });
    }
    return { tensors, metadata };
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  } finally {
    await fh.close();
  }
}
