/**
 * @module The desired-state document: everything one director needs, compiled by the control
 * plane from the site's rows and pulled by the agent (`GET /v1/agent/config`, ETag = revision).
 * Changes are additive only. Its objects are strict (the same schemas as the API's), but every
 * reader of a document parses it with `parseDesiredState` (unknown fields skipped and listed), so
 * a newer control plane never breaks an older agent.
 */
import { z } from 'zod';
import { parseTolerant, strictObject, type TolerantResult } from './unknown-fields.js';
import { IpAddress, Name } from './common.js';
import { DirectorVrrpInstance } from './vrrp-instance.js';
import { DirectorVirtualServer } from './virtual-server.js';

export const API_VERSION = 'fleetlb/v1';

export const DesiredState = strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('DirectorConfig'),
  site: Name,
  director: strictObject({
    name: Name,
    address: IpAddress,
    maintenance: z.boolean().optional().meta({
      description:
        'The director is in maintenance: its instances advertise priority 1, a master hands over to its best backup (priority-0 advert; it keeps its VIPs until the new master has advertised twice) and it never preempts until resumed. Absent: not in maintenance',
    }),
  }),
  revision: z
    .int()
    .min(0)
    .meta({ description: "The site's revision: increases with every change" }),
  vrrpInstances: z.array(DirectorVrrpInstance),
  virtualServers: z.array(DirectorVirtualServer),
}).meta({ id: 'DesiredState' });
export type DesiredState = z.output<typeof DesiredState>;
export type DesiredStateInput = z.input<typeof DesiredState>;

/**
 * Reads a document the way every agent and tool must: tolerant of fields this version does not
 * know (a newer control plane may add them), strict about everything else.
 */
export function parseDesiredState(value: unknown): TolerantResult<DesiredState> {
  return parseTolerant(DesiredState, value);
}
