/**
 * @module The observer's ARP prober, run inside the `obs` lab host: for each line `TARGET
 * [SENDER]` read on stdin it sends one broadcast ARP who-has for TARGET from eth0 (AF_PACKET,
 * `@fleetlb/packet-socket`), with SENDER (default: the address given as argument) as its sender
 * protocol address, and prints `sent <wallMs>`. The replies are read from the bridge capture: two repliers for the
 * VIP means two hosts own it (dual ownership).
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
function whoHas(target: string, sender: string): Uint8Array {
  const frame = new Uint8Array(60);
  frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0);
  frame.set(macBytes(mac), 6);
  frame.set([0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01], 12);
  frame.set(macBytes(mac), 22);
  frame.set(ipBytes(sender), 28);
  frame.set(ipBytes(target), 38);
  return frame;
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const [target = '', sender = source] = line.trim().split(/\s+/);
    const ipv4 = /^\d+\.\d+\.\d+\.\d+$/;
    if (!ipv4.test(target) || !ipv4.test(sender)) return;
    packetSocket.send(fd, whoHas(target, sender));
    process.stdout.write(`sent ${performance.timeOrigin + performance.now()}\n`);
  })
  .on('close', () => {
    packetSocket.close(fd);
    process.exit(0);
  });
process.stdout.write('ready\n');
