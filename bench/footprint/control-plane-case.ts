/**
 * @module The footprint benchmark's control-plane-mode case: the control plane
 * (`fleetlb-control-plane serve`, embedded PGlite) in a lab host of its own, one site with one
 * director and the idle case's VRRP instance (MASTER alone, one VIP), and the agent in
 * control-plane mode (`--control-plane URL --token-file FILE`) in the measured host: first starts
 * (no last-known-good document yet: `forget()` removes it), then a restart with the document it
 * kept. Only the agent's process tree is measured, not the
 * control plane's.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NetnsLab } from '../../test/support/netns-lab.js';
import { FleetLab } from '../../test/support/fleet-lab.js';
import type { LabAgent } from '../../test/support/vrrp-lab.js';
import { HOST_ADDRESS, INTERFACE } from './configs.js';

const CONTROL_PLANE_HOST = 'cp';
const CONTROL_PLANE_ADDRESS = '192.0.2.5';
const SITE = 'footprint';
/** Bounds for conditions, not figures: PGlite's first start and an agent's take a while here. */
const START_MS = 180_000;

/** The site: `director` at the measured host's address, VRRP instance `web` with it alone. */
function siteManifest(director: string): string {
  const address = HOST_ADDRESS.split('/')[0];
  return `apiVersion: fleetlb/v1
kind: Site
metadata: { name: ${SITE} }
spec: {}
---
apiVersion: fleetlb/v1
kind: Director
metadata: { name: ${director}, site: ${SITE} }
spec: { address: ${address} }
---
apiVersion: fleetlb/v1
kind: VrrpInstance
metadata: { name: web, site: ${SITE} }
spec:
  vrid: 51
  interface: ${INTERFACE}
  vips: [{ address: 192.0.2.100, prefixLength: 24 }]
  members: [{ director: ${director}, priority: 150 }]
`;
}

/**
 * Starts the control plane with the site; `start()` then starts the agent for director `host` in
 * lab host `host` (already added), the same state directory each time, and resolves once the
 * agent is MASTER with the control plane's document.
 */
export async function controlPlaneForAgent(
  lab: NetnsLab,
  host: string,
): Promise<{ start(): Promise<LabAgent>; forget(): void }> {
  lab.addHost(CONTROL_PLANE_HOST, { addresses: [`${CONTROL_PLANE_ADDRESS}/24`] });
  const fleet = await FleetLab.start(lab, CONTROL_PLANE_HOST, CONTROL_PLANE_ADDRESS);
  await fleet.cliOk(['apply', '-f', '-'], siteManifest(host));
  return {
    async start() {
      const agent = await fleet.startAgent(SITE, host);
      await agent.waitForState('web', 'master', START_MS);
      return agent;
    },
    /** Removes the last-known-good document: the next start is a first start again. */
    forget() {
      rmSync(join(fleet.dir, host, 'state', 'last-known-good.json'), { force: true });
    },
  };
}
