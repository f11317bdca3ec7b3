/**
 * @module The one error shape of the API: RFC 9457 problem details (`application/problem+json`),
 * with `errors` listing each refused field by its path (`objects.3.weight`, `body.vips[0]`).
 * The server builds it (control-plane/http/problem.ts), the OpenAPI document names it `Problem`,
 * the CLI reads it to print what was refused and where.
 */
import { z } from 'zod';

export const FieldError = z.object({
  path: z.string().meta({ description: 'Where, e.g. `body.vips[0].address`; empty: the body' }),
  message: z.string(),
});
export type FieldError = z.output<typeof FieldError>;

export const ProblemDetails = z
  .object({
    type: z.string().meta({ example: 'urn:fleetlb:problem:validation-failed' }),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    instance: z.string().optional().meta({ description: 'The request path' }),
    errors: z.array(FieldError).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type ProblemDetails = z.output<typeof ProblemDetails>;
