// One process per run directory: a lock file with PID and host, stale locks replaced, live ones refused.
// And a new run never truncates an existing run log.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { acquireRunLock, LOCK_FILE, pidIsAlive, withRunLock } from "../src/train/run-lock.js";
import { RunLog } from "../src/train/run-log.js";
import { UserError } from "../src/cli/user-error.js";

const lockModule = fileURLToPath(new URL("../src/train/run-lock.js", import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), "maskdiff-harden-lock-"));
const deadPid = () => Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test((e as Error).message);

test("the lock file holds PID and host, a second holder is refused, release removes it", async () => {
  const dir = tmp();
  try {
    const lock = acquireRunLock(dir, { command: "train --out x" });
    const o = JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8"));
    assert.equal(o.pid, process.pid);
    assert.equal(o.host, hostname());
    assert.equal(typeof o.token, "string");
    assert.throws(() => acquireRunLock(dir), userError(new RegExp(`in use by process ${process.pid} on ${hostname()}.*train --out x`)));
    lock.release();
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
    lock.release(); // idempotent
    await withRunLock(dir, () => assert.ok(existsSync(join(dir, LOCK_FILE))));
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
    await assert.rejects(withRunLock(dir, () => { throw new Error("boom"); }), /boom/);
    assert.ok(!existsSync(join(dir, LOCK_FILE)), "released when the body throws");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("stale locks (dead PID on this host, garbage, empty) are replaced; other hosts' locks are refused", () => {
  const dir = tmp();
  const path = join(dir, LOCK_FILE);
  try {
    const dead = deadPid();
    assert.ok(!pidIsAlive(dead));
    for (const content of [JSON.stringify({ pid: dead, host: hostname(), token: "t", started: "then" }), "not json", ""]) {
      writeFileSync(path, content);
      const lock = acquireRunLock(dir);
      assert.equal(JSON.parse(readFileSync(path, "utf8")).pid, process.pid, `replacing ${JSON.stringify(content)}`);
      lock.release();
    }
    writeFileSync(path, JSON.stringify({ pid: dead, host: "elsewhere.example", token: "t", started: "then" }));
    assert.throws(() => acquireRunLock(dir), userError(/in use by process \d+ on elsewhere\.example.*delete .*run\.lock/));
    // release does not remove a lock that is no longer ours
    rmSync(path);
    const lock = acquireRunLock(dir);
    writeFileSync(path, JSON.stringify({ pid: 1, host: "other", token: "x" }));
    lock.release();
    assert.ok(existsSync(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a live process's lock is refused; a killed process's lock is stale; exit releases", async () => {
  const dir = tmp();
  const path = join(dir, LOCK_FILE);
  try {
    const script = `import(${JSON.stringify(lockModule)}).then((m) => { m.acquireRunLock(${JSON.stringify(dir)}); process.stdout.write("locked\\n"); if (process.argv[1] === "exit") process.exit(0); setInterval(() => {}, 1000); });`;
    // exits without calling release(): the exit handler removes the lock
    const r = spawnSync(process.execPath, ["-e", script, "exit"], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.stdout, "locked\n", r.stderr);
    assert.ok(!existsSync(path), "released on exit");
    // a live holder
    const child = spawn(process.execPath, ["-e", script, "stay"], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((res) => child.stdout!.once("data", () => res()));
    assert.throws(() => acquireRunLock(dir), userError(new RegExp(`in use by process ${child.pid} on `)));
    child.kill("SIGKILL");
    await new Promise((res) => child.once("exit", res));
    assert.ok(existsSync(path), "SIGKILL leaves the lock behind");
    const lock = acquireRunLock(dir);
    assert.equal(JSON.parse(readFileSync(path, "utf8")).pid, process.pid);
    lock.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a new run does not truncate an existing run log: it refuses, an empty log is reused, resume appends", () => {
  const dir = tmp();
  const path = join(dir, "log.jsonl");
  try {
    const earlier = '{"step":1,"loss":2}\n{"step":2,"loss":1.5}\n';
    writeFileSync(path, earlier);
    assert.throws(() => new RunLog(dir, { resume: false }), userError(/already holds .*log\.jsonl \(2 records of an earlier run\) but no checkpoint/));
    assert.equal(readFileSync(path, "utf8"), earlier, "the log is untouched");
    const r = new RunLog(dir, { resume: true });
    r.write({ step: 3 });
    r.close();
    const lines = readFileSync(path, "utf8").trim().split("\n");
    assert.equal(lines.length, 3);
    assert.equal(JSON.parse(lines[2]!).step, 3);
    writeFileSync(path, "");
    const fresh = new RunLog(dir, { resume: false });
    fresh.write({ step: 1 });
    fresh.close();
    assert.equal(readFileSync(path, "utf8").trim().split("\n").length, 1);
    rmSync(path);
    const created = new RunLog(dir, { resume: false });
    created.close();
    assert.ok(existsSync(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
