/** Running the `maskdiff` CLI in a child process, and checks shared by the CLI tests. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is compiled to dist/test/helpers/cli.js). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** What one CLI run produced. */
export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  args: string[];
}

/** Runs `node bin/maskdiff.js ...args` from the repository root, synchronously (`env` is added to the environment). */
export function runCli(args: string[], timeoutMs = 60_000, env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, ["bin/maskdiff.js", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, args };
}

function describe(r: CliResult): string {
  return `maskdiff ${r.args.join(" ")}\n  exit ${r.status}${r.signal ? ` (signal ${r.signal})` : ""}\n  stdout: ${JSON.stringify(r.stdout.slice(0, 2000))}\n  stderr: ${JSON.stringify(r.stderr.slice(0, 2000))}`;
}

/** Asserts exit 0 and returns stdout parsed as JSON (stdout must hold exactly one JSON value). */
export function okJson<T = any>(r: CliResult): T {
  assert.equal(r.status, 0, `expected exit 0:\n${describe(r)}`);
  try {
    return JSON.parse(r.stdout) as T;
  } catch (e) {
    assert.fail(`stdout is not one JSON value (${(e as Error).message}):\n${describe(r)}`);
  }
}

/** Asserts exit 0. */
export function ok(r: CliResult): CliResult {
  assert.equal(r.status, 0, `expected exit 0:\n${describe(r)}`);
  return r;
}

/**
 * Asserts a user error: exit code 2, nothing on stdout, and exactly one message on stderr —
 * one unindented line starting "maskdiff: " or "error: " (continuation lines are indented),
 * no stack trace. Returns the stderr text for further checks.
 */
export function userError(r: CliResult, pattern?: RegExp): string {
  assert.equal(r.status, 2, `expected exit 2:\n${describe(r)}`);
  assert.equal(r.stdout, "", `expected nothing on stdout:\n${describe(r)}`);
  const lines = r.stderr.replace(/\n$/, "").split("\n");
  assert.ok(r.stderr.trim().length > 0, `expected a message on stderr:\n${describe(r)}`);
  assert.ok(!lines.some((l) => /^\s+at /.test(l)), `stack trace on stderr:\n${describe(r)}`);
  assert.ok(!/\b(TypeError|RangeError|SyntaxError|ReferenceError)\b/.test(r.stderr), `internal error on stderr:\n${describe(r)}`);
  const heads = lines.filter((l) => !/^\s/.test(l));
  assert.equal(heads.length, 1, `expected exactly one message on stderr:\n${describe(r)}`);
  assert.match(heads[0]!, /^(maskdiff|error): \S/, `message should start with "maskdiff: " or "error: ":\n${describe(r)}`);
  assert.equal(lines[0], heads[0], `stderr should start with the message:\n${describe(r)}`);
  if (pattern) assert.match(r.stderr, pattern, `unexpected message:\n${describe(r)}`);
  return r.stderr;
}

/** Every file and folder under dir (recursively): path -> kind, size, mtime and content hash. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name), r = rel ? `${rel}/${name}` : name;
      const s = statSync(p);
      if (s.isDirectory()) {
        out[r + "/"] = `dir mtime=${s.mtimeMs}`;
        walk(p, r);
      } else {
        out[r] = `file size=${s.size} mtime=${s.mtimeMs} sha256=${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
      }
    }
  };
  walk(dir, "");
  return out;
}
