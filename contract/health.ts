/**
 * @module The control plane's probes (no auth): `GET /healthz` (the process answers) and
 * `GET /readyz` (the database answers too; 503 with the reason and Retry-After when not).
 */
import { z } from 'zod';

export const Liveness = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
export type Liveness = z.output<typeof Liveness>;

export const Readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    reason: z.string().optional().meta({ description: 'Why it is unavailable' }),
  })
  .meta({ id: 'Readiness' });
export type Readiness = z.output<typeof Readiness>;
