/** @module Maps keepalived real-server checkers onto fleetlb HealthCheck inputs, flagging what is lost. */
import type { z } from 'zod';
import type { HealthCheck } from '../health-check.js';
import type { Checker } from './model.js';
import { lossy, type MapCtx, program, secondsToMs } from './to-desired-helpers.js';

type CheckInput = z.input<typeof HealthCheck>;

const MAX_STATUS_CODES = 32;
const DNS_TYPES = new Set(['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'SRV', 'PTR', 'CNAME']);

/** Timing and port: connect_timeout → timeoutMs, delay_loop → intervalMs, retry N → fall N+1. */
function timing(k: Checker): Record<string, number> {
  const out: Record<string, number> = {};
  if (k.connectTimeoutS !== undefined) out.timeoutMs = secondsToMs(k.connectTimeoutS, 10, 600_000);
  if (k.delayLoopS !== undefined) out.intervalMs = secondsToMs(k.delayLoopS, 100, 3_600_000);
  if (k.retry !== undefined) out.fall = Math.min(100, k.retry + 1);
  if (k.connectPort !== undefined && k.connectPort > 0) out.port = k.connectPort;
  return out;
}

/** fleetlb holds at most 32 expected codes; keepalived ranges (200-299) can hold more. */
function statusCodes(codes: number[], k: Checker, ctx: MapCtx): number[] {
  if (codes.length <= MAX_STATUS_CODES) return codes;
  lossy(ctx, k.at, `${codes.length} status codes; fleetlb keeps the first ${MAX_STATUS_CODES}`);
  return codes.slice(0, MAX_STATUS_CODES);
}

function http(k: Checker, host: string | undefined, ctx: MapCtx): CheckInput {
  if (k.urls.length > 1)
    lossy(ctx, k.at, `${k.type}: only the first of ${k.urls.length} urls is checked`);
  const url = k.urls[0];
  const digest = url?.digest?.toLowerCase();
  const vhost = k.virtualhost ?? host;
  return {
    type: k.type === 'SSL_GET' ? 'https' : 'http',
    ...timing(k),
    ...(url?.path === undefined ? {} : { path: url.path }),
    ...(url === undefined || url.statusCodes.length === 0
      ? {}
      : { expectStatus: statusCodes(url.statusCodes, k, ctx) }),
    ...(digest === undefined ? {} : { bodyDigest: digest }),
    ...(vhost === undefined ? {} : { host: vhost }),
    // keepalived's SSL_GET does not verify certificates.
    ...(k.type === 'SSL_GET' ? { tlsVerify: false } : {}),
  };
}

function misc(k: Checker, ctx: MapCtx): CheckInput | undefined {
  const run = program(k.miscPath ?? [], k.at, ctx, 'MISC_CHECK misc_path');
  if (run === undefined) {
    lossy(ctx, k.at, `MISC_CHECK without a misc_path checks nothing; dropped`);
    return undefined;
  }
  const { path, args } = run;
  const timeoutMs =
    k.miscTimeoutS === undefined ? {} : { timeoutMs: secondsToMs(k.miscTimeoutS, 10, 600_000) };
  return { type: 'script', ...timing(k), ...timeoutMs, path, args, dynamicWeight: k.miscDynamic };
}

function dns(k: Checker, ctx: MapCtx): CheckInput {
  const type = k.dnsType?.toUpperCase();
  if (type !== undefined && !DNS_TYPES.has(type)) lossy(ctx, k.at, `DNS_CHECK type ${type} → SOA`);
  return {
    type: 'dns',
    ...timing(k),
    ...(k.dnsName === undefined ? {} : { queryName: k.dnsName }),
    ...(type !== undefined && DNS_TYPES.has(type) ? { queryType: type as 'SOA' } : {}),
  };
}

/** One checker as a fleetlb health check; `undefined` (with a warning) when fleetlb has no equivalent. */
export function mapChecker(
  k: Checker,
  host: string | undefined,
  ctx: MapCtx,
): CheckInput | undefined {
  if (k.connectIp !== undefined || k.bindto !== undefined)
    lossy(ctx, k.at, `${k.type}: connect_ip/bindto are not supported; ignored`);
  switch (k.type) {
    case 'HTTP_GET':
    case 'SSL_GET':
      return http(k, host, ctx);
    case 'TCP_CHECK':
      return { type: 'tcp', ...timing(k) };
    case 'UDP_CHECK':
      return { type: 'udp', ...timing(k) };
    case 'MISC_CHECK':
      return misc(k, ctx);
    case 'DNS_CHECK':
      return dns(k, ctx);
    case 'SMTP_CHECK':
    case 'PING_CHECK':
      lossy(ctx, k.at, `${k.type} has no fleetlb equivalent; dropped`);
      return undefined;
  }
}
