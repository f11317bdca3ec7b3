/** @module A control plane on PGlite with the site of fleet.ts, listening on 127.0.0.1 for tests that talk HTTP to it (the agent's clients). */
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
