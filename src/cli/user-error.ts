/** The CLI's name for input errors (printed as one message, exit code 2); defined with the library's errors in src/errors.ts. */
export { UserError, userInput } from "../errors.js";
