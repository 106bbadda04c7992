/** Checks that a run directory (train --out) can be created and written, before any work starts. */
import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { UserError } from "../cli/user-error.js";

/** Kernel pseudo-filesystems: writing checkpoints there is never what the user meant. */
const FORBIDDEN_ROOTS = ["/proc", "/sys"];

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

function kind(path: string): string {
  const st = statSync(path);
  if (st.isFile()) return "a file";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a directory";
}

/**
 * Validates run directory `path` (it need not exist yet): the path, with symbolic links resolved,
 * is not under /proc or /sys; if it exists it is a directory, else its nearest existing ancestor
 * is a directory; and that directory is writable — a probe file is created and removed, which
 * also catches read-only mounts. Throws one UserError saying what is wrong; returns the absolute path.
 */
export function checkRunDir(path: string, what = "--out"): string {
  if (path.trim() === "") throw new UserError(`${what}: the run directory path is empty`);
  const abs = resolve(path);
  // The nearest existing ancestor (abs itself when it exists).
  let existing = abs;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch (e) {
    throw new UserError(`${what} ${path}: cannot resolve ${existing}: ${(e as Error).message}`);
  }
  const target = existing === abs ? real : join(real, abs.slice(existing.length));
  for (const root of FORBIDDEN_ROOTS)
    if (under(target, root) || under(abs, root))
      throw new UserError(`${what} ${path} is under ${root}, a kernel pseudo-filesystem, not a place for a run directory`);
  if (!statSync(existing).isDirectory()) {
    if (existing === abs) throw new UserError(`${what} ${path} exists and is ${kind(existing)}, not a directory`);
    throw new UserError(`${what} ${path} cannot be created: ${existing} is ${kind(existing)}, not a directory`);
  }
  try {
    // access(2) only: a probe file would change the directory's mtime, and a refused run must touch nothing
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const why = code === "EROFS" ? "it is on a read-only filesystem" : code === "EACCES" || code === "EPERM" ? "permission denied" : (e as Error).message;
    throw new UserError(`${what} ${path} is not writable${existing === abs ? "" : ` (${existing} cannot hold new folders)`}: ${why}`);
  }
  return abs;
}
