/** @module Maps keepalived real-server checkers onto fleetlb HealthCheck inputs, flagging what is lost. */
import { withRunAs } from './to-desired-run-as.js';
import { emptyGlobalDefs } from './interpret-global.js';
import type { z } from 'zod';
import type { HealthCheck } from '../health-check.js';
import type { Checker, GlobalDefs, HttpUrl, TrackFileConf } from './model.js';
import { lossy, type MapCtx, program, secondsToMs, trackFilePath } from './to-desired-helpers.js';

type CheckInput = z.input<typeof HealthCheck>;

const DNS_TYPES = new Set(['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'SRV', 'PTR', 'CNAME']);

/** Checker settings a real server and its virtual server pass down (keepalived's inheritance). */
export interface CheckerDefaults {
  /** script_user and enable_script_security, for MISC_CHECK (to-desired-run-as.ts). */
  globalDefs?: GlobalDefs | undefined;
  retry?: number | undefined;
  delayBeforeRetryS?: number | undefined;
  /** The real server's own delay_loop (the virtual server's is `checkDefaults.intervalMs`). */
  delayLoopS?: number | undefined;
  /** The virtual server's delay_loop, for the timing comparison only. */
  serverDelayLoopS?: number | undefined;
  /** The real server's address (what PING_CHECK pings unless connect_ip says otherwise). */
  address?: string | undefined;
  /** The config's track_file blocks (what a FILE_CHECK names). */
  trackFiles?: readonly TrackFileConf[] | undefined;
}

/** check_api.c / check_http.c / check_misc.c / check_dns.c defaults: retry, delay_before_retry. */
function keepalivedDefaults(type: Checker['type']): { retry: number; delayBeforeRetryS?: number } {
  if (type === 'MISC_CHECK') return { retry: 0, delayBeforeRetryS: 1 };
  if (type === 'DNS_CHECK') return { retry: 3 }; // delay_before_retry defaults to delay_loop
  if (type === 'HTTP_GET' || type === 'SSL_GET') return { retry: 1, delayBeforeRetryS: 3 };
  return { retry: 1, delayBeforeRetryS: 1 };
}

/**
 * keepalived's checker timing (check_tcp.c tcp_epoll_thread() and the other checkers): a probe
 * every delay_loop; after a failure, up to `retry` more probes `delay_before_retry` apart, and the
 * server is down when they all fail; one success brings it up. So rise 1, fall retry+1, and
 * delay_before_retry is `retryIntervalMs` (written only where it differs from delay_loop).
 */
function timing(k: Checker, inherited: CheckerDefaults, ctx: MapCtx): Record<string, number> {
  const out: Record<string, number> = { rise: 1 };
  if (k.connectTimeoutS !== undefined) out.timeoutMs = secondsToMs(k.connectTimeoutS, 10, 600_000);
  const ownLoop = k.delayLoopS ?? inherited.delayLoopS;
  if (ownLoop !== undefined) out.intervalMs = secondsToMs(ownLoop, 100, 3_600_000);
  const defaults = keepalivedDefaults(k.type);
  const retry = k.retry ?? inherited.retry ?? defaults.retry;
  out.fall = Math.min(100, retry + 1);
  if (retry + 1 > 100)
    lossy(ctx, k.at, `${k.type}: retry ${retry}: fleetlb counts at most 100 failures; 100`);
  const loopS = ownLoop ?? inherited.serverDelayLoopS ?? 60;
  const retryDelayS =
    k.delayBeforeRetryS ?? inherited.delayBeforeRetryS ?? defaults.delayBeforeRetryS ?? loopS;
  if (retry > 0 && retryDelayS !== loopS) {
    out.retryIntervalMs = secondsToMs(retryDelayS, 100, 3_600_000);
  }
  if (k.connectPort !== undefined && k.connectPort > 0) out.port = k.connectPort;
  return out;
}

/** check_http.c url_check(): a url without status_code expects 200-299. */
const DEFAULT_STATUS_CODES = Array.from({ length: 100 }, (_, i) => 200 + i);

/**
 * One `url` as one fleetlb check. keepalived's HTTP_GET/SSL_GET fetches its urls in turn, each on
 * a new connection, and the checker fails when one of them fails (check_http.c
 * http_handle_response(), epilog()); fleetlb's checks of a real server must all pass, so a check
 * per url keeps that meaning. A url without a path is ignored, as keepalived ignores it.
 */
function httpUrl(
  k: Checker,
  url: HttpUrl,
  t: Record<string, number>,
  host: string | undefined,
  ctx: MapCtx,
): CheckInput | undefined {
  if (url.path === undefined) {
    lossy(ctx, url.at, `${k.type} url without a path: keepalived ignores it, so does fleetlb`);
    return undefined;
  }
  const digest = url.digest?.toLowerCase();
  const vhost = url.virtualhost ?? k.virtualhost ?? host;
  let regex = url.regex;
  if (regex !== undefined && url.regexNoMatch) {
    lossy(
      ctx,
      url.at,
      `${k.type} url ${url.path}: regex_no_match (the body must not match) has no fleetlb equivalent; the regex is not checked`,
    );
    regex = undefined;
  }
  return {
    type: k.type === 'SSL_GET' ? 'https' : 'http',
    ...t,
    path: url.path,
    expectStatus: url.statusCodes.length === 0 ? DEFAULT_STATUS_CODES : url.statusCodes,
    ...(digest === undefined ? {} : { bodyDigest: digest }),
    ...(regex === undefined ? {} : { bodyRegex: regex }),
    ...(vhost === undefined ? {} : { host: vhost }),
    // keepalived's SSL_GET does not verify certificates.
    ...(k.type === 'SSL_GET' ? { tlsVerify: false } : {}),
  };
}

/** check_http.c http_get_check_end(): an HTTP_GET/SSL_GET without urls is ignored. */
function http(
  k: Checker,
  t: Record<string, number>,
  host: string | undefined,
  ctx: MapCtx,
): CheckInput[] {
  if (k.urls.length === 0)
    lossy(ctx, k.at, `${k.type} without a url: keepalived ignores the checker, so does fleetlb`);
  return k.urls.flatMap((url) => httpUrl(k, url, t, host, ctx) ?? []);
}

function misc(
  k: Checker,
  t: Record<string, number>,
  g: GlobalDefs,
  ctx: MapCtx,
): CheckInput | undefined {
  const run = program(k.miscPath ?? [], k.at, ctx, 'MISC_CHECK misc_path');
  if (run === undefined) {
    lossy(ctx, k.at, `MISC_CHECK without a misc_path checks nothing; dropped`);
    return undefined;
  }
  const { path, args } = run;
  const timeoutMs =
    k.miscTimeoutS === undefined ? {} : { timeoutMs: secondsToMs(k.miscTimeoutS, 10, 600_000) };
  const runAs = withRunAs(k.miscUser, g);
  return { type: 'script', ...t, ...timeoutMs, path, args, dynamicWeight: k.miscDynamic, ...runAs };
}

function dns(k: Checker, t: Record<string, number>, ctx: MapCtx): CheckInput {
  const type = k.dnsType?.toUpperCase();
  if (type !== undefined && !DNS_TYPES.has(type)) lossy(ctx, k.at, `DNS_CHECK type ${type} → SOA`);
  return {
    type: 'dns',
    ...t,
    ...(k.dnsName === undefined ? {} : { queryName: k.dnsName }),
    ...(type !== undefined && DNS_TYPES.has(type) ? { queryType: type as 'SOA' } : {}),
  };
}

/**
 * PING_CHECK (check_ping.c: one ICMP echo per delay_loop, up on the reply, within
 * connect_timeout) as a script check running ping(8) once: the same question asked by the
 * director's iputils ping instead of keepalived's own ICMP socket.
 */
function ping(
  k: Checker,
  t: Record<string, number>,
  address: string | undefined,
  ctx: MapCtx,
): CheckInput[] {
  const target = k.connectIp ?? address;
  if (target === undefined) return [];
  const { port: _port, ...timing } = t;
  const waitS = Math.max(1, Math.ceil(k.connectTimeoutS ?? 5));
  lossy(
    ctx,
    k.at,
    `PING_CHECK runs as the script 'ping -c 1 -W ${waitS} ${target}' (ping(8) from the agent's PATH, iputils on the director), not keepalived's own ICMP socket: the same echo request and reply`,
  );
  return [
    { type: 'script', ...timing, path: 'ping', args: ['-c', '1', '-W', String(waitS), target] },
  ];
}

/**
 * FILE_CHECK (check_file.c `file_end_handler()`): the named track_file's path and init_file; the
 * FILE_CHECK's own weight (and its reverse or not) when it has one, else the track_file's.
 */
function fileCheck(
  k: Checker,
  trackFiles: readonly TrackFileConf[],
  ctx: MapCtx,
): CheckInput | undefined {
  const file = trackFiles.find((f) => f.name === k.trackFile);
  if (file?.file === undefined) return undefined; // the interpreter only keeps defined names
  const own = k.fileWeight !== undefined;
  return {
    type: 'file',
    path: trackFilePath({ ...file, file: file.file }, ctx),
    weight: own ? k.fileWeight : file.weight,
    reverse: own ? k.fileReverse === true : file.reverse,
    ...(file.init === undefined ? {} : { init: file.init }),
  };
}

/** One checker as fleetlb health checks (one per HTTP url); none (with a warning) when fleetlb has no equivalent. */
export function mapChecker(
  k: Checker,
  inherited: CheckerDefaults,
  host: string | undefined,
  ctx: MapCtx,
): CheckInput[] {
  if (k.type === 'FILE_CHECK') {
    const check = fileCheck(k, inherited.trackFiles ?? [], ctx);
    return check === undefined ? [] : [check];
  }
  const t = timing(k, inherited, ctx);
  if (k.type === 'PING_CHECK') return ping(k, t, inherited.address, ctx);
  if (k.connectIp !== undefined || k.bindto !== undefined)
    lossy(ctx, k.at, `${k.type}: connect_ip/bindto are not supported; ignored`);
  switch (k.type) {
    case 'HTTP_GET':
    case 'SSL_GET':
      return http(k, t, host, ctx);
    case 'TCP_CHECK':
      return [{ type: 'tcp', ...t }];
    case 'UDP_CHECK':
      return [{ type: 'udp', ...t }];
    case 'MISC_CHECK': {
      const script = misc(k, t, inherited.globalDefs ?? emptyGlobalDefs(), ctx);
      return script === undefined ? [] : [script];
    }
    case 'DNS_CHECK':
      return [dns(k, t, ctx)];
    case 'SMTP_CHECK':
      // check_smtp.c smtp_check_end_handler(): helo_name defaults to smtpchecker.keepalived.org.
      return [
        { type: 'smtp', ...t, ...(k.heloName === undefined ? {} : { heloName: k.heloName }) },
      ];
  }
}
