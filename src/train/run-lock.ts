/**
 * An exclusive lock on a run directory, so that two processes never train into (and overwrite the
 * checkpoints and log of) the same run. The lock is the file <dir>/run.lock, created with 'wx'
 * (O_CREAT | O_EXCL) and holding the owner's PID, host name and a random token as JSON.
 *
 * A lock whose owner is gone — same host, PID no longer running — is stale (a killed run) and is
 * replaced. A lock held by a live process, or by a process on another host (which cannot be
 * checked from here), is refused with a UserError naming the owner. The lock is released by
 * release(), and on process exit if release() was not called.
 */
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, renameSync, unlinkSync, writeSync, closeSync, openSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { UserError } from "../cli/user-error.js";

/** The lock file's name inside a run directory. */
export const LOCK_FILE = "run.lock";

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string;
  token: string;
  started: string;
  command?: string;
}

/** A held lock. */
export interface RunLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours; idempotent. */
  release(): void;
}

/** Whether a process with this PID runs on this host (EPERM: it exists but is another user's). */
export function pidIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(path: string): { text: string; owner: LockOwner | null } | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === "number" && typeof o.host === "string" && typeof o.token === "string") return { text, owner: o as LockOwner };
  } catch {
    // fall through: unreadable content
  }
  return { text, owner: null };
}

function describe(o: LockOwner): string {
  return `process ${o.pid} on ${o.host}${o.started ? ` (since ${o.started})` : ""}${o.command ? `: ${o.command}` : ""}`;
}

/**
 * Removes a stale lock whose content was `text`, without removing a fresh lock another process
 * created meanwhile: the file is renamed aside (atomic), and put back if it is not the one we judged.
 */
function breakStale(path: string, text: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // someone else broke it
    throw e;
  }
  let now = "";
  try {
    now = readFileSync(aside, "utf8");
  } catch {
    // treat as ours
    now = text;
  }
  if (now !== text) {
    try {
      linkSync(aside, path); // a live process's lock: put it back (fails if yet another appeared)
    } catch {
      // leave it; the next attempt sees whichever lock is there
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

/**
 * Takes the lock on run directory dir (which must exist). Throws a UserError when another live
 * process holds it; replaces a stale one (dead PID on this host, or unreadable content).
 */
export function acquireRunLock(dir: string, opts: { command?: string } = {}): RunLock {
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString("hex"),
    started: new Date().toISOString(),
    ...(opts.command ? { command: opts.command } : {}),
  };
  const text = JSON.stringify(owner) + "\n";
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new UserError(`cannot create the lock file ${path}: ${(e as Error).message}`);
      }
      let found = readOwner(path);
      if (found && !found.owner) {
        // Possibly created a moment ago by a process that has not written its owner yet.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        found = readOwner(path);
      }
      if (!found) continue; // released meanwhile
      const o = found.owner;
      if (o && o.host !== owner.host)
        throw new UserError(`${dir} is in use by ${describe(o)}: another host's process cannot be checked from here; if it is no longer running, delete ${path}`);
      if (o && pidIsAlive(o.pid))
        throw new UserError(`${dir} is in use by ${describe(o)}: wait for it to finish, or choose another --out`);
      breakStale(path, found.text); // dead PID on this host, or a lock file with garbage in it
      continue;
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return held(path, owner, text);
  }
  throw new UserError(`cannot take the lock ${path}: other processes keep replacing it`);
}

function held(path: string, owner: LockOwner, text: string): RunLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    try {
      if (readFileSync(path, "utf8") === text) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  return { path, owner, release };
}

/** Runs fn holding the lock on dir, releasing it afterwards (also when fn throws). */
export async function withRunLock<T>(dir: string, fn: () => Promise<T> | T, opts: { command?: string } = {}): Promise<T> {
  const lock = acquireRunLock(dir, opts);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
