import type { z } from 'zod';
import { ValidationFailedError } from '../cases/errors.js';
import type { FieldError } from '../domain/registration.js';

/**
 * Parses a query or body with a zod schema and reports every problem as a 400
 * with field paths, like the registration does.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key].join('.'), code: 'unknown_field' }));
    if (issue.code === 'invalid_value') return [{ path: path.join('.'), code: 'invalid_option', params: { options: issue.values.map(String).join(', ') } }];
    if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return [{ path: path.join('.'), code: 'required' }];
    if (issue.code === 'too_small' && issue.origin === 'string') return [{ path: path.join('.'), code: 'required' }];
    if (issue.code === 'too_big' && issue.origin === 'string') return [{ path: path.join('.'), code: 'too_long', params: { max: Number(issue.maximum) } }];
    return [{ path: path.join('.'), code: 'invalid_type', params: { expected: issue.message } }];
  });
  throw new ValidationFailedError(errors, 'request');
}
