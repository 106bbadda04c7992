/** Errors caused by the user's input: printed as one message, exit code 2. */

/** A problem with arguments, files or configs that the user can fix. */
export class UserError extends Error {
  override readonly name = "UserError";
}

/** Runs fn, turning any Error into a UserError prefixed with `what` (e.g. the option it came from). */
export function userInput<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UserError(`${what}: ${(e as Error).message}`);
  }
}
