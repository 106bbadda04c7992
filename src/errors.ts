/** The errors maskdiff throws on purpose: a MaskdiffError with a machine-readable `code`, one subclass per kind. */

/** What went wrong, for code that branches on errors: bad input, or a binding that cannot be used. */
export type MaskdiffErrorCode = "INVALID_INPUT" | "BINDING_MISSING" | "BINDING_UNLOADABLE";

/** Base class of maskdiff's errors; `message` is one self-contained sentence, `code` says which kind. */
export class MaskdiffError extends Error {
  override readonly name: string = "MaskdiffError";

  constructor(message: string, readonly code: MaskdiffErrorCode, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A problem with arguments, files or configs that the user can fix (code INVALID_INPUT). */
export class UserError extends MaskdiffError {
  override readonly name = "UserError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "INVALID_INPUT", options);
  }
}

/** The libtorch binding is not built (BINDING_MISSING) or cannot be loaded, e.g. built against another libtorch (BINDING_UNLOADABLE). */
export class BindingError extends MaskdiffError {
  override readonly name = "BindingError";
}

/** Runs fn, turning any Error into a UserError prefixed with `what` (e.g. the option it came from). */
export function userInput<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UserError(`${what}: ${(e as Error).message}`, { cause: e });
  }
}
