/** An error the server answers with its own HTTP status and message (4xx: the client's fault). */

/** A refused request: the status to answer and a message naming the field at fault. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
