/**
 * @module TCP connect probe (keepalived TCP_CHECK, keepalived/check/check_tcp.c): up when the
 * three-way handshake completes; the connection is then closed (a FIN, as keepalived's close).
 * The connect runs in the native addon (@fleetlb/packet-socket/tcp-probe: a non-blocking
 * connect(2) on Node's own libuv loop) rather than through a net.Socket, whose streams, handle
 * wrap and garbage cost as much CPU per check as the kernel's handshake (bench/README.md,
 * "Health checks"). Its failures are reported as node:net reports them (`code`, and the message
 * `connect ECONNREFUSED 10.0.0.1:80`). A target that is not an IP literal goes through node:net.
 */
import { connect, isIP } from 'node:net';
import { cancel, start } from '@fleetlb/packet-socket/tcp-probe';
import type { TcpProbe } from '@fleetlb/packet-socket/tcp-probe';
import { fail, PASS } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { describeError, reasonOfError } from './probe-types.js';
import type { CheckOf, ProbeOptions, ProbeTarget } from './probe-types.js';
import { settler } from './settle.js';

export function probeTcp(
  _spec: CheckOf<'tcp'>,
  target: ProbeTarget,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  if (isIP(target.address) === 0) return probeTcpViaNet(target, opts);
  let probe: TcpProbe | undefined;
  const s = settler(opts, () => {
    if (probe !== undefined) cancel(probe);
  });
  const failed = (code: string): void =>
    s.settle(
      fail(reasonOfError({ code }), `${code}: connect ${code} ${target.address}:${target.port}`),
    );
  const started = start(target.address, target.port, (code) => {
    probe = undefined;
    if (code === undefined) s.settle(PASS);
    else failed(code);
  });
  if (typeof started === 'string') failed(started);
  else if (s.done()) cancel(started);
  else probe = started;
  return s.promise;
}

/** The same check through a net.Socket (a host name rather than an address). */
function probeTcpViaNet(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  const socket = connect({ host: target.address, port: target.port });
  const s = settler(opts, () => socket.destroy());
  socket.once('connect', () => s.settle(PASS));
  socket.once('error', (err) => s.settle(fail(reasonOfError(err), describeError(err))));
  return s.promise;
}
