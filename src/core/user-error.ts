/**
 * A problem with what the user asked (a malformed date, an unknown option). Shown to them as a short,
 * plain-language, ephemeral message; the CLI exits 2. Anything else is a bug and is logged.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * A name the dataset does not know (a place, person or incident id), with the "did you mean" answer as
 * its message. An answer, not a mistake in the request: `ask` prints it and exits 0.
 */
export class NotFoundError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
