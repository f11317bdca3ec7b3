/**
 * @module Loads the parts of a site that write-time validation needs, inside the write's
 * transaction (the site row lock keeps them stable until commit).
 */
import {
  DirectorSpec,
  RealServerSpec,
  VirtualServerSpec,
  VrrpInstanceSpec,
  type SiteModel,
} from '../../contract/index.js';
import type { Tx } from '../db/database.js';
import { directors, realServers, virtualServers, vrrpInstances } from '../db/schema.js';
import { listObjects, listSiteObjects } from './objects.js';
import { readStoredSpec } from './stored-spec.js';

/** Directors, VRRP instances and virtual servers (without real servers) of a site. */
export async function loadSiteModel(
  tx: Tx,
  siteId: string,
): Promise<SiteModel & { virtualServerIds: Map<string, string> }> {
  const scope = { siteId, parentId: null };
  const [d, i, v] = [
    await listObjects(tx, directors, scope),
    await listObjects(tx, vrrpInstances, scope),
    await listObjects(tx, virtualServers, scope),
  ];
  return {
    directors: d.map((r) => readStoredSpec(DirectorSpec, r.spec)),
    vrrpInstances: i.map((r) => readStoredSpec(VrrpInstanceSpec, r.spec)),
    virtualServers: v.map((r) => readStoredSpec(VirtualServerSpec, r.spec)),
    virtualServerIds: new Map(v.map((r) => [r.name, r.id])),
  };
}

/** The real servers of one virtual server. */
export async function loadRealServers(
  tx: Tx,
  siteId: string,
  virtualServerId: string,
): Promise<RealServerSpec[]> {
  const rows = await listObjects(tx, realServers, { siteId, parentId: virtualServerId });
  return rows.map((r) => readStoredSpec(RealServerSpec, r.spec));
}

/** Every real server of a site with its virtual server's name (for selectors). */
export async function loadSiteRealServers(tx: Tx, siteId: string) {
  const vsNames = new Map(
    (await listSiteObjects(tx, virtualServers, siteId)).map((r) => [r.id, r.name]),
  );
  return (await listSiteObjects(tx, realServers, siteId)).map((row) => ({
    row,
    virtualServer: vsNames.get(row.parentId ?? '') ?? '',
    spec: readStoredSpec(RealServerSpec, row.spec),
  }));
}
