/**
 * @module The watcher's child process: the only place in the agent that joins rtnetlink multicast
 * groups (LINK, IPV4_IFADDR, IPV6_IFADDR). A notification overflow (ENOBUFS) makes the `netlink`
 * package abort the process uncatchably; here that only kills this child, and the parent
 * (watch.ts) restarts it and asks its consumer to resync. Prints one JSON line per event
 * (watch-protocol.ts) and exits when its stdin reaches EOF, i.e. when the parent is gone.
 *
 * Options (argv): `--recv-buffer-bytes N` (SO_RCVBUF, default 4 MiB, capped by
 * net.core.rmem_max); `--stall-first-event-ms N` (tests only: block the event loop on the first
 * event so that a flood overflows the socket).
 */
import { createRtNetlink, rt } from 'netlink';
import { parseArgs } from 'node:util';
import { decodeAddress, decodeLink } from './decode.js';
import type { ChildLine } from './watch-protocol.js';

const { values } = parseArgs({
  options: {
    'recv-buffer-bytes': { type: 'string', default: String(4 << 20) },
    'stall-first-event-ms': { type: 'string', default: '0' },
  },
});
const recvBufferBytes = Number(values['recv-buffer-bytes']);
let stallMs = Number(values['stall-first-event-ms']);

function emit(line: ChildLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function stall(): void {
  if (stallMs <= 0) return;
  const until = Date.now() + stallMs;
  stallMs = 0;
  while (Date.now() < until) {
    // Busy-wait on purpose (test option): the kernel keeps queueing notifications meanwhile.
  }
}

function handle(type: number, data: Buffer): void {
  const name = rt.MessageType[type];
  const kind =
    name === 'NEWLINK' || name === 'NEWADDR'
      ? 'new'
      : name === 'DELLINK' || name === 'DELADDR'
        ? 'del'
        : undefined;
  if (!kind) return;
  let message: rt.Message;
  try {
    message = rt.parseMessage(type, data);
  } catch {
    return; // a malformed notification is dropped; the consumer resyncs by dumps anyway
  }
  if (message.kind === 'link') {
    const link = decodeLink(message);
    if (link)
      emit({
        type: 'link',
        kind,
        index: link.index,
        name: link.name,
        up: link.up,
        flags: link.flags,
      });
  } else if (message.kind === 'address') {
    const address = decodeAddress(message);
    if (address) emit({ type: 'address', kind, ...address });
  }
}

// The parent is gone (its end of our stdin closed, or our stdout is broken): leave at once.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));
process.stdin.resume();

const socket = createRtNetlink({ ref: true, recvBufferSize: recvBufferBytes, sendBufferSize: 0 });
socket.socket.on('message', (messages) => {
  stall();
  for (const m of messages) handle(m.type, m.data);
});
// Should the library ever report the overflow instead of aborting, it has closed the socket:
// exit so that the parent restarts us and the consumer resyncs.
socket.socket.on('error', (error) => {
  process.stderr.write(`rtnetlink watch child: ${error.name} ${error.code}: ${error.message}\n`);
  process.exit(3);
});
socket.socket.on('close', () => {
  process.stderr.write('rtnetlink watch child: socket closed\n');
  process.exit(3);
});
socket.addMembership('LINK');
socket.addMembership('IPV4_IFADDR');
socket.addMembership('IPV6_IFADDR');
emit({ type: 'ready', pid: process.pid, recvBufferBytes: socket.socket.getRecvBufferSize() });
