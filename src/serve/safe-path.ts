/** Resolving a client-given relative path strictly below a served directory (no `..`, absolute paths or symlinks out). */
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { HttpError } from "./http-error.js";

/** Whether `path` is `root` or lies below it (both absolute, symlinks resolved). */
export function isBelow(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of `rel` below `root` (what: the request field, for messages). Refuses with 403 an absolute path, a path
 * whose text leaves root (`..`) and one that leaves it through a symbolic link; 404 when nothing is there.
 */
export function resolveBelow(root: string, rel: string, what: string): string {
  if (rel.includes("\0")) throw new HttpError(400, `${what}: the path holds a NUL character`);
  if (isAbsolute(rel)) throw new HttpError(403, `${what}: '${rel}' is absolute; give a path relative to the served directory`);
  const realRoot = realpathSync(root);
  const target = resolve(realRoot, rel);
  if (!isBelow(target, realRoot)) throw new HttpError(403, `${what}: '${rel}' leaves the served directory`);
  if (!existsSync(target)) throw new HttpError(404, `${what}: '${rel}' does not exist`);
  const real = realpathSync(target);
  if (!isBelow(real, realRoot)) throw new HttpError(403, `${what}: '${rel}' leads out of the served directory through a symbolic link`);
  return real;
}

/** The path of `abs` relative to `root` with '/' separators (for listings). */
export function relativeName(root: string, abs: string): string {
  return relative(realpathSync(root), abs).split(sep).join("/");
}
