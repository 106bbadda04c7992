/** Scoped tensor lifetimes: tidy() disposes every tensor made inside it unless returned or kept. */

/** Anything tidy can track: tensors. */
export interface Tracked {
  kept: boolean;
  dispose(): void;
}

const scopes: Set<Tracked>[] = [];
const marker = Symbol("tracked");

/** Registers a new tensor with the innermost open tidy scope. */
export function track(t: Tracked): void {
  (t as unknown as Record<symbol, boolean>)[marker] = true;
  scopes.at(-1)?.add(t);
}

function isTracked(x: unknown): x is Tracked {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[marker] === true;
}

function collect(x: unknown, out: Set<Tracked>, depth = 0): void {
  if (depth > 6 || x === null || typeof x !== "object") return;
  if (isTracked(x)) {
    out.add(x);
    return;
  }
  if (Array.isArray(x)) for (const v of x) collect(v, out, depth + 1);
  else if (x instanceof Map) for (const v of x.values()) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collect(v, out, depth + 1);
}

/**
 * Runs fn and disposes every tensor created during it, except tensors reachable from its
 * result (arrays, Maps and plain objects are searched) and tensors marked with keep().
 * Returned tensors move to the enclosing scope. fn must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tracked>();
  scopes.push(scope);
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error("tidy(fn): fn must be synchronous (it returned a Promise)");
    return result;
  } finally {
    scopes.pop();
    const survivors = new Set<Tracked>();
    collect(result, survivors);
    const parent = scopes.at(-1);
    for (const t of scope) {
      if (survivors.has(t)) parent?.add(t);
      else if (!t.kept) t.dispose();
    }
  }
}

/** Exempts a tensor from every tidy scope; it lives until dispose() or garbage collection. */
export function keep<T extends Tracked>(t: T): T {
  t.kept = true;
  return t;
}
