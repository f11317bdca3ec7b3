/**
 * @module The footprint benchmark's check target, run inside the lab host: a TCP server on every
 * address (0.0.0.0) that accepts and closes, counting connections. Prints `{"port":…}` once
 * listening, then answers each stdin line with `{"accepted":…}`; exits when stdin closes.
 */
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

let accepted = 0;
const server = createServer((socket) => {
  accepted++;
  socket.destroy();
});
server.maxConnections = 100_000;
await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', 4096, resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', () => process.stdout.write(`${JSON.stringify({ accepted })}\n`));
lines.on('close', () => process.exit(0));
