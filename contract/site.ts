/** @module Sites (one VRRP/LVS domain, usually one L2 segment) and their directors. */
import { z } from 'zod';
import { strictObject } from './unknown-fields.js';
import { Description, IpAddress, Labels, Name } from './common.js';

export const SiteSpec = strictObject({
  name: Name,
  description: Description.optional(),
  labels: Labels.default({}),
}).meta({ id: 'SiteSpec' });
export type SiteSpec = z.output<typeof SiteSpec>;

/** A director: one Linux host running the agent. */
export const DirectorSpec = strictObject({
  name: Name,
  description: Description.optional(),
  labels: Labels.default({}),
  address: IpAddress.meta({
    description: 'Primary address on the VRRP segment: unicast source/peer and RFC 9568 tie-break',
  }),
  metricsAddress: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port')
    .optional()
    .meta({
      description: "The agent's /metrics address (host:port) for Prometheus service discovery",
    }),
}).meta({ id: 'DirectorSpec' });
export type DirectorSpec = z.output<typeof DirectorSpec>;
