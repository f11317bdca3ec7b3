/**
 * @module HTTP and HTTPS GET/HEAD probe (keepalived HTTP_GET / SSL_GET): one request on a fresh
 * connection (no keep-alive agent), `Host` header and TLS SNI from `host`, TLS verification on or
 * off, the whole exchange bounded by `timeoutMs`, and at most `maxBodyBytes` of body read.
 * HTTPS goes through node:https. Plain HTTP goes on a raw connection: a check of the status code
 * alone reads only the status line (http-status-probe.ts), one that reads the body parses the
 * response with http-parser-js (http-body-probe.ts); both are held to node:http's verdicts by
 * differential tests.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { fail } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { probeHttpBody } from './http-body-probe.js';
import { probeHttpStatus } from './http-status-probe.js';
import { bodyVerdict, needsBody, statusVerdict } from './http-verdict.js';
import type { HttpSpec } from './http-verdict.js';
import { describeError, reasonOfError } from './probe-types.js';
import type { ProbeOptions, ProbeTarget } from './probe-types.js';
import { settler } from './settle.js';
import type { Settler } from './settle.js';

/** Bodies larger than this fail the probe (`body`) rather than being buffered. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface HttpProbeOptions extends ProbeOptions {
  maxBodyBytes?: number;
}

function hostHeader(spec: HttpSpec, target: ProbeTarget): string {
  if (spec.host !== undefined) return spec.host;
  const host = isIP(target.address) === 6 ? `[${target.address}]` : target.address;
  return `${host}:${target.port}`;
}

export function probeHttp(
  spec: HttpSpec,
  target: ProbeTarget,
  opts: HttpProbeOptions,
): Promise<ProbeResult> {
  if (spec.type === 'https') return probeViaNodeHttp(spec, target, opts);
  const host = hostHeader(spec, target);
  if (!needsBody(spec)) return probeHttpStatus(spec, target, host, opts);
  return probeHttpBody(spec, target, host, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, opts);
}

/**
 * The check through node:http or node:https (llhttp): what HTTPS checks use, and the reference
 * the plain-HTTP probes are tested against (test/agent/health-http-status.test.ts, -body.test.ts).
 */
export function probeViaNodeHttp(
  spec: HttpSpec,
  target: ProbeTarget,
  opts: HttpProbeOptions,
): Promise<ProbeResult> {
  const common = {
    host: target.address,
    port: target.port,
    method: spec.method,
    path: spec.path,
    headers: {
      Host: hostHeader(spec, target),
      'User-Agent': 'fleetlb-health',
      Connection: 'close',
    },
    agent: false as const,
  };
  const req =
    spec.type === 'https'
      ? httpsRequest({
          ...common,
          rejectUnauthorized: spec.tlsVerify,
          ...(spec.host !== undefined && isIP(spec.host) === 0 ? { servername: spec.host } : {}),
        })
      : httpRequest(common);
  const s = settler(opts, () => req.destroy());
  req.once('error', (err) => s.settle(fail(reasonOfError(err), describeError(err))));
  req.once('response', (res) =>
    onResponse(spec, res, s, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
  );
  req.end();
  return s.promise;
}

function onResponse(spec: HttpSpec, res: IncomingMessage, s: Settler, maxBodyBytes: number): void {
  const status = statusVerdict(spec, res.statusCode);
  if (!status.ok || !needsBody(spec)) {
    s.settle(status);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBodyBytes) s.settle(fail('body', `body larger than ${maxBodyBytes} bytes`));
    else chunks.push(chunk);
  });
  res.once('end', () => s.settle(bodyVerdict(spec, Buffer.concat(chunks))));
  res.once('error', (err) => s.settle(fail(reasonOfError(err), describeError(err))));
}
