/**
 * @module Director maintenance on the wire (`PUT` / `DELETE
 * /v1/sites/{site}/directors/{name}/maintenance`): the request, the state, and the answer with
 * the VRRP instances the director hands over. One definition for the server, OpenAPI and the CLI.
 */
import { z } from 'zod';
import { Name, Text } from './common.js';
import { strictObject } from './unknown-fields.js';

export const MaintenanceRequest = strictObject({
  reason: Text(512).optional().meta({ description: 'Why, for the audit log and the fleet view' }),
}).meta({ id: 'MaintenanceRequest' });
export type MaintenanceRequest = z.output<typeof MaintenanceRequest>;

export const DirectorMaintenance = z
  .object({
    since: z.iso.datetime(),
    actor: z.string(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'DirectorMaintenance' });
export type DirectorMaintenance = z.output<typeof DirectorMaintenance>;

/**
 * One VRRP instance of the director, as the control plane saw it when the request came in (fresh
 * reports only): who was master, and which other members could carry it.
 */
export const MaintenanceInstance = z
  .object({
    instance: Name,
    master: Name.nullable().meta({
      description: 'The member whose mastership counts (fresh evidence), null if none',
    }),
    handsOver: z.boolean().meta({
      description:
        'The director is its master: it hands over to the best backup (make before break)',
    }),
    healthyMembers: z.array(Name).meta({
      description:
        'Other members that can carry it: fresh report, running, master or backup, not in maintenance',
    }),
  })
  .meta({ id: 'MaintenanceInstance' });
export type MaintenanceInstance = z.output<typeof MaintenanceInstance>;

export const MaintenanceResult = z
  .object({
    director: Name,
    maintenance: DirectorMaintenance.nullable().meta({
      description: 'The maintenance in force, null once resumed',
    }),
    revision: z.int().meta({
      description: 'The revision carrying the change (the current one when nothing changed)',
    }),
    changed: z.boolean().meta({ description: 'False when it already was as asked' }),
    instances: z.array(MaintenanceInstance),
  })
  .meta({ id: 'MaintenanceResult' });
export type MaintenanceResult = z.output<typeof MaintenanceResult>;
