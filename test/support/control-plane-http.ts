/** @module Control planes on 127.0.0.1 for tests of the agent's HTTP clients: a real one on PGlite with the site of fleet.ts, or a stand-in answering as a test wants. */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { startTestControlPlane, type TestControlPlane } from './control-plane.js';
import { seedSite } from './fleet.js';

export interface ServedControlPlane {
  cp: TestControlPlane;
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

export async function serveTestControlPlane(): Promise<ServedControlPlane> {
  const { cp, stop } = await startTestControlPlane('pglite');
  await seedSite(cp);
  let url = '';
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve(
      { fetch: cp.controlPlane.app.fetch, hostname: '127.0.0.1', port: 0 },
      (info) => {
        url = `http://127.0.0.1:${info.port}`;
        resolve(listening);
      },
    );
  });
  return {
    cp,
    url,
    async close() {
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await new Promise((r) => server.close(r));
      await stop();
    },
  };
}

/** A stand-in control plane on 127.0.0.1 answering with `handler` (errors, bad documents). */
export async function serveFake(
  handler: RequestListener,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
