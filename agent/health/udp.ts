/**
 * @module UDP probe (keepalived UDP_CHECK): send `payloadHex` on a connected socket; with
 * `expectHex`, up when a reply starts with those bytes (else `timeout`); without it, up when no
 * ICMP port-unreachable (`refused`) arrives before the deadline, as keepalived does.
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { fail, PASS } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { describeError, reasonOfError } from './probe-types.js';
import type { CheckOf, ProbeOptions, ProbeTarget } from './probe-types.js';
import { settler } from './settle.js';

export function probeUdp(
  spec: CheckOf<'udp'>,
  target: ProbeTarget,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  const socket = createSocket(isIP(target.address) === 6 ? 'udp6' : 'udp4');
  const expect = spec.expectHex === undefined ? undefined : Buffer.from(spec.expectHex, 'hex');
  const s = settler(
    opts,
    () => socket.close(),
    () => (expect === undefined ? PASS : fail('timeout', `no reply within ${opts.timeoutMs} ms`)),
  );
  const onError = (err: unknown): void => s.settle(fail(reasonOfError(err), describeError(err)));
  socket.on('error', onError);
  socket.on('message', (msg: Buffer) => {
    if (expect === undefined) s.settle(PASS);
    else if (msg.subarray(0, expect.length).equals(expect)) s.settle(PASS);
    else s.settle(fail('body', `reply ${msg.subarray(0, 16).toString('hex')} ≠ ${spec.expectHex}`));
  });
  // A failed connect (no route, a broadcast address) calls back with the error, which Node's
  // types do not declare; sending on the unconnected socket would then throw out of the agent.
  socket.connect(target.port, target.address, (err?: Error) => {
    if (err) return onError(err);
    if (s.done()) return;
    socket.send(Buffer.from(spec.payloadHex, 'hex'), (err) => {
      if (err) onError(err);
    });
  });
  return s.promise;
}
