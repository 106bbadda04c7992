import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { zipSync } from "fflate";
import { Rng } from "../src/engine/rng.js";
import {
  TEXT8_URL,
  downloadText8,
  loadText8,
  prepareText8,
  type FetchLike,
  type FetchResponseLike,
} from "../src/data/index.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maskdiff-data-text8-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string): string => path.join(dir, `${counter++}-${name}`);

/** A small text8-format text: one line of words over a..z separated by single spaces, leading space, no newline. */
function tinyText8(chars: number, seed: number): string {
  const rng = new Rng(seed);
  let s = "";
  while (s.length < chars) s += " " + Array.from({ length: 1 + rng.int(8) }, () => String.fromCharCode(97 + rng.int(26))).join("");
  return s.slice(0, chars);
}

const TEXT = tinyText8(2000, 5);
const BYTES = Buffer.from(TEXT, "latin1");
const ZIP = zipSync({ text8: new Uint8Array(BYTES) });

/** Lists a folder recursively (empty when it does not exist). */
const listing = (d: string): string[] => (fs.existsSync(d) ? (fs.readdirSync(d, { recursive: true }) as string[]).sort() : []);

function expectPrepared(out: string): void {
  assert.deepEqual(listing(out), ["meta.json", "test.txt", "train.txt", "valid.txt"]);
  const ds = loadText8(out);
  assert.equal(ds.name, "text8");
  assert.equal(ds.vocabSize, 27);
  assert.deepEqual(ds.meta.sizes, { train: 1800, valid: 100, test: 100 });
  assert.equal(ds.decode(ds.splits.train), TEXT.slice(0, 1800));
  assert.equal(ds.decode(ds.splits.valid), TEXT.slice(1800, 1900));
  assert.equal(ds.decode(ds.splits.test), TEXT.slice(1900));
}

test("prepareText8: a plain text8-format file is split 90/5/5 into train/valid/test.txt", () => {
  const src = fresh("text8");
  fs.writeFileSync(src, BYTES);
  const out = fresh("prepared");
  const meta = prepareText8(src, out);
  assert.equal(meta.chars, 2000);
  assert.deepEqual(meta.sizes, { train: 1800, valid: 100, test: 100 });
  assert.equal(fs.readFileSync(path.join(out, "valid.txt"), "latin1"), TEXT.slice(1800, 1900));
  expectPrepared(out);
});

test("prepareText8: the zip with its single entry 'text8' gives the same result as the text", () => {
  const src = fresh("text8.zip");
  fs.writeFileSync(src, ZIP);
  const out = fresh("prepared-zip");
  const fromZip = prepareText8(src, out);
  const plain = fresh("text8-plain");
  fs.writeFileSync(plain, BYTES);
  assert.equal(fromZip.sha256, prepareText8(plain, fresh("prepared-plain")).sha256);
  const withNewline = fresh("text8-newline");
  fs.writeFileSync(withNewline, TEXT + "\n"); // one trailing newline is tolerated and dropped
  assert.equal(prepareText8(withNewline, fresh("prepared-newline")).sha256, fromZip.sha256);
  expectPrepared(out);
});

test("prepareText8: clear errors for a wrong entry name, bad characters, wrong size, a missing file", () => {
  const wrongName = fresh("wrong.zip");
  fs.writeFileSync(wrongName, zipSync({ "enwik8.txt": new Uint8Array(BYTES) }));
  assert.throws(() => prepareText8(wrongName, fresh("o1")), /entries \["enwik8.txt"\]; expected one named "text8"/);
  const upper = fresh("upper");
  fs.writeFileSync(upper, TEXT.slice(0, 100) + "X" + TEXT.slice(101));
  const out = fresh("o2");
  assert.throws(() => prepareText8(upper, out), /byte 88 at offset 100/);
  assert.deepEqual(listing(out), []);
  const ok = fresh("ok");
  fs.writeFileSync(ok, BYTES);
  assert.throws(() => prepareText8(ok, fresh("o3"), { expectedSize: 100_000_000 }), /2000 characters; expected 100000000/);
  assert.throws(() => prepareText8(fresh("absent"), fresh("o4")), /does not exist/);
  assert.throws(() => loadText8(fresh("o5")), /lacks train.txt, valid.txt, test.txt; run `maskdiff data text8`/);
});

/** A fake fetch that records its URL and answers with the given status and body. */
function fakeFetch(status: number, body: Uint8Array, calls: string[] = []): FetchLike {
  return async (url: string): Promise<FetchResponseLike> => {
    calls.push(url);
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: status === 404 ? "Not Found" : "OK",
      arrayBuffer: async () => body.slice().buffer,
    };
  };
}

test("downloadText8: fetches the official URL and prepares the folder (fake fetch, no network)", async () => {
  const calls: string[] = [];
  const out = fresh("dl-ok");
  const meta = await downloadText8(out, fakeFetch(200, ZIP, calls), { expectedSize: 2000 });
  assert.deepEqual(calls, [TEXT8_URL]);
  assert.equal(meta.source, TEXT8_URL);
  expectPrepared(out);
});

test("downloadText8: HTTP 404, truncated zip, non-zip, network error and wrong size fail clearly and write nothing", async () => {
  const cases: [string, FetchLike, RegExp][] = [
    ["404", fakeFetch(404, new Uint8Array(0)), /downloading http:\/\/mattmahoney\.net\/dc\/text8\.zip failed: HTTP 404 Not Found/],
    ["truncated", fakeFetch(200, ZIP.subarray(0, Math.floor(ZIP.length / 2))), /not a readable zip \(truncated or corrupt download\?\)/],
    ["html", fakeFetch(200, new TextEncoder().encode("<html>moved</html>")), /did not return a zip file/],
    ["network", async () => { throw new Error("getaddrinfo ENOTFOUND mattmahoney.net"); }, /failed: getaddrinfo ENOTFOUND/],
    ["size", fakeFetch(200, ZIP), /2000 characters; expected 100000000/],
  ];
  for (const [name, f, re] of cases) {
    const out = fresh(`dl-${name}`);
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "keep.txt"), "already here");
    await assert.rejects(downloadText8(out, f), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, re, name);
      assert.match(e.message, /nothing was written/, name);
      return true;
    });
    assert.deepEqual(listing(out), ["keep.txt"], `${name}: the folder must be left as it was`);
    const never = fresh(`dl-${name}-new`);
    await assert.rejects(downloadText8(never, f));
    assert.equal(fs.existsSync(never), false, `${name}: a new folder must not be created`);
  }
});
