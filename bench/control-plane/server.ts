/**
 * @module The benchmark's control plane, in a process of its own: a fresh database (PGlite, or a
 * new PostgreSQL database that is dropped on exit), the test fleet (test/support/fleet.ts) plus
 * one virtual server every director carries, served over HTTP on 127.0.0.1 on a free port.
 *
 *   node --import tsx bench/control-plane/server.ts --database pglite|postgres
 *
 * Prints one JSON line ({@link ServerHello}) on stdout once it listens. Stops on SIGTERM/SIGINT,
 * or when its parent disconnects (forked with IPC); answers the IPC message `cpu` with its
 * `process.cpuUsage()` so the benchmark can tell how much CPU the server used.
 */
import { serve } from '@hono/node-server';
import { parseArgs } from 'node:util';
import { startTestControlPlane } from '../../test/support/control-plane.js';
import { SITE, seedSite } from '../../test/support/fleet.js';
import { BENCH_RS, BENCH_RS_WEIGHT, BENCH_VS, type CpuReply, type ServerHello } from './shared.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { database: { type: 'string', default: 'pglite' } } });
  const kind = values.database;
  if (kind !== 'pglite' && kind !== 'postgres')
    throw new Error(`--database must be pglite or postgres, not ${kind}`);

  const running = await startTestControlPlane(kind);
  const { cp } = running;
  await seedSite(cp);
  const extra: [string, unknown][] = [
    [
      `/v1/sites/${SITE}/virtual-servers`,
      { name: BENCH_VS, address: '192.0.2.200', port: 80, protocol: 'tcp', scheduler: 'wrr' },
    ],
    [
      `/v1/sites/${SITE}/virtual-servers/${BENCH_VS}/real-servers`,
      { name: BENCH_RS, address: '198.51.100.21', port: 8080, weight: BENCH_RS_WEIGHT },
    ],
  ];
  for (const [path, body] of extra) {
    const res = await cp.request('POST', path, { body });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
  }

  let stopping: Promise<void> | undefined;
  const server = serve(
    { fetch: cp.controlPlane.app.fetch, hostname: '127.0.0.1', port: 0 },
    (info) => {
      const hello: ServerHello = {
        url: `http://127.0.0.1:${info.port}`,
        adminToken: cp.adminToken,
        site: SITE,
        database: kind,
        databaseUrl: running.url ?? null,
        pid: process.pid,
      };
      process.stdout.write(`${JSON.stringify(hello)}\n`);
    },
  );

  const stop = () => {
    stopping ??= (async () => {
      // Long-polls hold connections open: close them rather than wait up to `wait` seconds.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await running.stop(); // closes the control plane and its database, drops a PostgreSQL one
      process.exit(0);
    })().catch((err: unknown) => {
      process.stderr.write(`bench server: stopping failed: ${String(err)}\n`);
      process.exit(1);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('disconnect', stop);
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: 'cpu', user, system } satisfies CpuReply);
    }
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
