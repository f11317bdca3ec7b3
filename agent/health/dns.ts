/**
 * @module DNS probe (keepalived DNS_CHECK): one query over UDP to the real server itself (node:dns
 * cannot bound a single query to one server by a deadline, so the message is built by hand, see
 * core/health/dns-wire.ts); up when the reply answers with a record of the asked type.
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { buildDnsQuery, checkDnsReply } from '../core/health/dns-wire.js';
import { fail, PASS } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { describeError, reasonOfError } from './probe-types.js';
import type { CheckOf, ProbeOptions, ProbeTarget } from './probe-types.js';
import { settler } from './settle.js';

export function probeDns(
  spec: CheckOf<'dns'>,
  target: ProbeTarget,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  const socket = createSocket(isIP(target.address) === 6 ? 'udp6' : 'udp4');
  const s = settler(opts, () => socket.close());
  const id = randomInt(0, 0x10000);
  let query: Uint8Array;
  try {
    query = buildDnsQuery(id, spec.queryName, spec.queryType);
  } catch (err) {
    s.settle(fail('error', describeError(err)));
    return s.promise;
  }
  const onError = (err: unknown): void => s.settle(fail(reasonOfError(err), describeError(err)));
  socket.on('error', onError);
  socket.on('message', (msg: Buffer) => {
    const problem = checkDnsReply(msg, id, spec.queryType);
    s.settle(problem === undefined ? PASS : fail('dns', problem));
  });
  // A failed connect calls back with the error (udp.ts says more).
  socket.connect(target.port, target.address, (err?: Error) => {
    if (err) return onError(err);
    if (!s.done()) socket.send(query, (err) => err && onError(err));
  });
  return s.promise;
}
