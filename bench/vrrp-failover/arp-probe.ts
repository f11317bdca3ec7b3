/**
 * @module The observer's ARP prober, run inside the `obs` lab host: for each IPv4 address read on
 * stdin it sends one broadcast ARP who-has from eth0 (AF_PACKET, `@fleetlb/packet-socket`) and
 * prints `sent <wallMs>`. The replies are read from the bridge capture: two repliers for the
 * VIP means two hosts own it (dual ownership), as in the keepalived baseline's `arp_repliers`.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as packetSocket from '@fleetlb/packet-socket';

const DEVICE = 'eth0';
const mac = readFileSync(`/sys/class/net/${DEVICE}/address`, 'utf8').trim();
const index = Number(readFileSync(`/sys/class/net/${DEVICE}/ifindex`, 'utf8'));
const source = process.argv[2] ?? '0.0.0.0';
const fd = packetSocket.open(index);

const macBytes = (m: string) => m.split(':').map((h) => parseInt(h, 16));
const ipBytes = (ip: string) => ip.split('.').map(Number);

/** Ethernet broadcast + ARP request (RFC 826) for `target`, padded to 60 octets. */
function whoHas(target: string): Uint8Array {
  const frame = new Uint8Array(60);
  frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0);
  frame.set(macBytes(mac), 6);
  frame.set([0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01], 12);
  frame.set(macBytes(mac), 22);
  frame.set(ipBytes(source), 28);
  frame.set(ipBytes(target), 38);
  return frame;
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const target = line.trim();
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(target)) return;
    packetSocket.send(fd, whoHas(target));
    process.stdout.write(`sent ${performance.timeOrigin + performance.now()}\n`);
  })
  .on('close', () => {
    packetSocket.close(fd);
    process.exit(0);
  });
process.stdout.write('ready\n');
