import { z } from 'zod';
import { UserError } from '../core/user-error.ts';
import type { RawOptions } from './command-module.ts';

/** Validates a command's options; a bad value becomes a UserError naming the option. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: RawOptions): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  const name = first.path.join('.') || 'options';
  throw new UserError(`Option "${name}": ${first.message}.`);
}

/** Shared option shapes, so every command says the same thing about the same option. */
export const opt = {
  text: (max = 100) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`),
  optionalText: (max = 100) => z.string().trim().max(max, `must be at most ${max} characters`).optional().transform((s) => (s ? s : undefined)),
  int: (min: number, max: number) => z.coerce.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`),
  page: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
};
