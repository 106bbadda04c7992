/** Errors caused by the user's input: printed as one message, exit code 2. */

/** A problem with arguments, files or configs that the user can fix. */
export class UserError extends Error {
  override readonly name = "UserError";
}
