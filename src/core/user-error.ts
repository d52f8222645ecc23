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
