/**
 * @module The crash guard: a small process the agent starts at boot that outlives it. It holds
 * raw sockets for the interfaces of the instances that are MASTER and their priority-0 adverts,
 * ready to send. When the agent dies without a clean `exit` (kill -9, abort, OOM kill), its end
 * of the stdin pipe closes; the guard then sends the resignations (RFC 9568 §6.4.3: backups take
 * over after Skew_Time instead of Master_Down_Interval) and removes the VIPs, then exits.
 * SIGINT is ignored (a terminal's Ctrl-C reaches the agent, which shuts down cleanly); SIGTERM
 * without a dead agent exits quietly after a grace period.
 */
import { createInterface } from 'node:readline';
import { openRtnetlink } from '../../linux/rtnetlink/addresses.js';
import { openVrrpSocket, type VrrpSocket } from '../../linux/vrrp-socket.js';
import { parseGuardMessage, type GuardReport, type ResignationKit } from './protocol.js';

const SIGTERM_GRACE_MS = 3000;

let kits: ResignationKit[] = [];
let cleanExit = false;
const sockets = new Map<string, VrrpSocket>();

/** Acks go to the agent on stdout; once the agent is gone (EPIPE) only stderr (its log) is left. */
function report(message: GuardReport): void {
  const line = `${JSON.stringify(message)}\n`;
  if (message.type === 'resigned') process.stderr.write(`fleetlb-guard ${line}`);
  else process.stdout.write(line);
}
process.stdout.on('error', () => undefined);

/** Opens (once) the socket a kit sends on, so resigning costs no set-up time. */
function socketFor(kit: ResignationKit): VrrpSocket {
  const key = `${kit.interfaceName}/${kit.family}`;
  let socket = sockets.get(key);
  if (!socket) {
    socket = openVrrpSocket(
      { interfaceName: kit.interfaceName, interfaceIndex: kit.interfaceIndex, family: kit.family },
      () => undefined,
      () => undefined,
      () => sockets.delete(key),
    );
    sockets.set(key, socket);
  }
  return socket;
}

function arm(next: ResignationKit[]): void {
  kits = next;
  for (const kit of kits) {
    try {
      socketFor(kit);
    } catch (error) {
      process.stderr.write(`guard: cannot open socket on ${kit.interfaceName}: ${String(error)}\n`);
    }
  }
  report({ type: 'armed', instances: kits.map((k) => k.instance) });
}

async function resign(): Promise<void> {
  const errors: string[] = [];
  let adverts = 0;
  let vipsRemoved = 0;
  // Adverts first: the backups start their Skew_Time as early as possible.
  await Promise.all(
    kits.flatMap((kit) =>
      kit.adverts.map(async ({ destination, payloadHex }) => {
        try {
          await socketFor(kit).send(Buffer.from(payloadHex, 'hex'), destination, kit.source);
          adverts += 1;
        } catch (error) {
          errors.push(`advert ${kit.instance} → ${destination}: ${String(error)}`);
        }
      }),
    ),
  );
  const rtnetlink = openRtnetlink();
  await Promise.all(
    kits.flatMap((kit) =>
      kit.vips.map(async (vip) => {
        try {
          if (await rtnetlink.removeAddress(vip)) vipsRemoved += 1;
        } catch (error) {
          errors.push(`VIP ${vip.address}: ${String(error)}`);
        }
      }),
    ),
  );
  rtnetlink.close();
  report({
    type: 'resigned',
    instances: kits.map((k) => k.instance),
    adverts,
    vipsRemoved,
    errors,
  });
}

function finish(): void {
  for (const socket of sockets.values()) socket.close();
  process.exit(0);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const message = parseGuardMessage(line);
  if (message?.type === 'arm') arm(message.kits);
  else if (message?.type === 'exit') cleanExit = true;
});
lines.on('close', () => {
  if (cleanExit || kits.length === 0) finish();
  else void resign().finally(finish);
});
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => {
  // systemd stopping the unit after the agent died: stdin has closed and resign() is running.
  // Otherwise the agent is alive and shutting down itself; leave it to do so.
  setTimeout(finish, SIGTERM_GRACE_MS).unref();
});
report({ type: 'armed', instances: [] });
