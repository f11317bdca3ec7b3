/**
 * @module Reading an API answer with the contract's schema, tolerantly: the CLI checks only the
 * fields it acts on (a `pick` of the contract's shape), and skips fields it does not know, so a
 * newer server's additions (a field, a condition type elsewhere in the answer) never break an
 * older CLI, while an answer missing what it needs is a clear error, not a crash. Requests stay
 * strict: the server refuses unknown fields. Loads zod: for commands that load the contract anyway.
 */
import type { z } from 'zod';
import { formatPath } from '../../contract/validate-helpers.js';
import { fieldIssues, parseTolerant } from '../../contract/unknown-fields.js';
import { CliError, EXIT } from './exit-codes.js';

export function readAnswer<T extends z.ZodType>(
  schema: T,
  body: unknown,
  what: string,
): z.output<T> {
  const result = parseTolerant(schema, body);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error)
    .slice(0, 5)
    .map((i) => `\n  ${formatPath(i.path) || '(body)'}: ${i.message}`);
  throw new CliError(
    EXIT.error,
    `${what}: the control plane's answer is not what this CLI understands (is one of them older?)${issues.join('')}`,
  );
}
