/**
 * @module Objects as the API answers them: the spec an operator wrote (defaults filled in,
 * secrets shown as `********` to callers who may not read them) plus where the object lives and
 * its version: `site` (and `virtualServer` for a real server), `resourceVersion` (the ETag),
 * `createdAt`, `updatedAt`; a site adds its `revision`. Lists are pages (`nextCursor`).
 * Requests are strict (specs refuse unknown fields); an answer's top level is open, so a reader
 * built against an older contract reads a newer server's answer with `parseTolerant`.
 */
import { z } from 'zod';
import { Name } from './common.js';
import { DirectorSpec, SiteSpec } from './site.js';
import { RealServerSpec, VirtualServerSpec } from './virtual-server.js';
import { VrrpInstanceSpec } from './vrrp-instance.js';

/** The fields the server adds to every object's spec. */
export const SERVER_FIELDS = ['resourceVersion', 'createdAt', 'updatedAt'] as const;

const serverFields = {
  resourceVersion: z.int().meta({
    description:
      'Optimistic-concurrency version of the object (not the VRRP protocol version); the ETag is its quoted value',
  }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};
const inSite = { site: Name.meta({ description: 'The site it belongs to' }) };

export const SiteResource = z
  .object({
    ...SiteSpec.shape,
    revision: z
      .int()
      .meta({ description: 'Increases with every change to the site or anything in it' }),
    ...serverFields,
  })
  .meta({ id: 'Site' });
export type SiteResource = z.output<typeof SiteResource>;

export const DirectorResource = z
  .object({ ...DirectorSpec.shape, ...inSite, ...serverFields })
  .meta({ id: 'Director' });
export type DirectorResource = z.output<typeof DirectorResource>;

export const VrrpInstanceResource = z
  .object({ ...VrrpInstanceSpec.shape, ...inSite, ...serverFields })
  .meta({ id: 'VrrpInstance' });
export type VrrpInstanceResource = z.output<typeof VrrpInstanceResource>;

export const VirtualServerResource = z
  .object({ ...VirtualServerSpec.shape, ...inSite, ...serverFields })
  .meta({ id: 'VirtualServer' });
export type VirtualServerResource = z.output<typeof VirtualServerResource>;

export const RealServerResource = z
  .object({ ...RealServerSpec.shape, ...inSite, virtualServer: Name, ...serverFields })
  .meta({ id: 'RealServer' });
export type RealServerResource = z.output<typeof RealServerResource>;

/** A page of a list, in name order; `nextCursor` (null on the last page) fetches the next. */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page' }),
  });
}
export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}
