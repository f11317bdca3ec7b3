/**
 * @module The benchmark's target servers, in a child process of their own so that their CPU is not
 * charged to the prober: an HTTP server answering 200 "ok" and a TCP server that accepts and closes.
 * Prints `{"httpPort":…,"tcpPort":…}` on stdout once listening; exits when stdin closes.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';

const http = createHttpServer((_req, res) => res.writeHead(200).end('ok\n'));
http.keepAliveTimeout = 1000;
const tcp = createNetServer((socket) => socket.destroy());
tcp.maxConnections = 100_000;

await new Promise<void>((r) => http.listen(0, '127.0.0.1', 4096, r));
await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', 4096, r));
process.stdout.write(
  `${JSON.stringify({
    httpPort: (http.address() as AddressInfo).port,
    tcpPort: (tcp.address() as AddressInfo).port,
  })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
