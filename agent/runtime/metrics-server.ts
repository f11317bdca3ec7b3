/**
 * @module The agent's HTTP endpoint (`--metrics-listen ADDR`): `/metrics` (Prometheus text from
 * the agent's registry), `/healthz` (the process answers) and `/readyz` (a document is applied).
 * Read-only and unauthenticated, like node_exporter: bind it to an address Prometheus reaches.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export function serveMetrics(
  address: { host: string; port: number },
  registry: Registry,
  ready: () => boolean,
  /** Runs before each scrape (reading the kernel's counters into the registry). */
  beforeScrape: () => Promise<void> = () => Promise.resolve(),
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      beforeScrape()
        .then(() => registry.metrics())
        .then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (error: Error) => res.writeHead(500).end(`${error.message}\n`),
        );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const ok = ready();
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ok ? 'ready\n' : 'no document applied yet\n');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve(server));
  });
}

/** `HOST:PORT` or `[V6]:PORT` → parts; undefined when malformed. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) return undefined;
  return { host: match[1] ?? match[2]!, port };
}
