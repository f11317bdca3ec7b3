/** @module TCP connect probe (keepalived TCP_CHECK): up when the three-way handshake completes. */
import { connect } from 'node:net';
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
  const socket = connect({ host: target.address, port: target.port });
  const s = settler(opts, () => socket.destroy());
  socket.once('connect', () => s.settle(PASS));
  socket.once('error', (err) => s.settle(fail(reasonOfError(err), describeError(err))));
  return s.promise;
}
