/**
 * @module The OpenAPIHono factory every router is built with: request validation failures become
 * 422 problem details with field paths (zod's default would be a 400 with the issues in a string).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { fieldIssues } from '../../contract/unknown-fields.js';
import type { AppEnv } from './context.js';
import { Problem } from './problem.js';

type Hook = ConstructorParameters<typeof OpenAPIHono<AppEnv>>[0] extends infer O
  ? O extends { defaultHook?: infer H }
    ? H
    : never
  : never;

const validationHook: Hook = (result) => {
  if (result.success) return;
  const where = result.target === 'json' ? 'body' : result.target;
  const problem = new Problem(
    result.target === 'json' ? 422 : 400,
    'validation-failed',
    'Validation failed',
    `invalid ${where}`,
    fieldIssues(result.error).map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
  throw problem;
};

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
