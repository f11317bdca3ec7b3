/**
 * @module keepalived.conf checker blocks (HTTP_GET, SSL_GET, TCP_CHECK, UDP_CHECK, DNS_CHECK,
 * MISC_CHECK, SMTP_CHECK, FILE_CHECK) from a real server's health checks, as fleetlb's importer
 * (to-desired-checks.ts) reads them: connect_timeout ↔ timeoutMs, delay_loop ↔ intervalMs,
 * retry N ↔ fall N+1; a FILE_CHECK names its track_file (render-track-files.ts) and says its weight.
 */
import type { HealthCheck } from '../health-check.js';
import type { DirectorVirtualServer } from '../virtual-server.js';
import { scriptCommand, userLine } from './render-scripts.js';
import { runAsWords } from './render-run-as.js';
import type { TrackFiles } from './render-track-files.js';
import {
  block,
  type ConfBlock,
  type ConfLine,
  type DocPath,
  msToSeconds,
  quote,
  type RenderCtx,
  warn,
  wholeSeconds,
  word,
} from './render-text.js';

/** fleetlb's interval when neither the check nor the virtual server sets one. */
export const DEFAULT_CHECK_INTERVAL_MS = 5000;
/** fleetlb's rise and fall when neither the check nor the virtual server sets them (CheckTiming). */
const DEFAULT_CHECK_RISE = 2;
const DEFAULT_CHECK_FALL = 3;

type Defaults = DirectorVirtualServer['checkDefaults'];
type HttpLike = Extract<HealthCheck, { type: 'http' | 'https' }>;
/** The checks that probe (every type but `file`, which has no timing). */
type ProbedCheck = Exclude<HealthCheck, { type: 'file' }>;

/**
 * Timing: the check's own values, else the virtual server's defaults (keepalived has no
 * virtual-server default for these, so they are written into each checker).
 */
function timingLines(c: ProbedCheck, d: Defaults, path: DocPath, ctx: RenderCtx): ConfLine[] {
  const lines: ConfLine[] = [];
  if (c.port !== undefined && c.type === 'script')
    warn(ctx, [...path, 'port'], 'unsupported', 'MISC_CHECK has no port; dropped');
  else if (c.port !== undefined) lines.push(`connect_port ${c.port}`);
  const timeoutMs = c.timeoutMs ?? d.timeoutMs;
  if (timeoutMs !== undefined && c.type === 'script')
    lines.push(
      `misc_timeout ${wholeSeconds(ctx, [...path, 'timeoutMs'], timeoutMs, 'misc_timeout')}`,
    );
  else if (timeoutMs !== undefined) lines.push(`connect_timeout ${msToSeconds(timeoutMs)}`);
  // keepalived: down after retry+1 failures, up after one success (to-desired-checks.ts).
  const fall = c.fall ?? d.fall ?? DEFAULT_CHECK_FALL;
  if (c.fall === undefined && d.fall === undefined)
    warn(
      ctx,
      [...path, 'fall'],
      'normalized',
      `written as retry ${fall - 1} (fleetlb's default fall ${fall}); keepalived's own default differs`,
    );
  lines.push(`retry ${fall - 1}`);
  if (fall > 1) {
    // A failed probe with retries left is retried after retryIntervalMs (default: the interval).
    const intervalMs =
      c.retryIntervalMs ??
      d.retryIntervalMs ??
      c.intervalMs ??
      d.intervalMs ??
      DEFAULT_CHECK_INTERVAL_MS;
    lines.push(`delay_before_retry ${msToSeconds(intervalMs)}`);
  }
  if (c.intervalMs !== undefined) lines.push(`delay_loop ${msToSeconds(c.intervalMs)}`);
  const rise = c.rise ?? d.rise ?? DEFAULT_CHECK_RISE;
  if (rise !== 1)
    warn(
      ctx,
      [...path, 'rise'],
      'unsupported',
      `keepalived checkers have no rise: one success brings a server up (rise ${rise} written as 1)`,
    );
  return lines;
}

/**
 * `200 204 300-399`: runs of consecutive codes as keepalived's ranges (check_http.c), in the
 * document's order (so the import reads back the same list).
 */
function statusRanges(codes: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < codes.length; i++) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === codes[j]! + 1) j++;
    out.push(j - i < 2 ? codes.slice(i, j + 1).join(' ') : `${codes[i]}-${codes[j]}`);
    i = j;
  }
  return out.join(' ');
}

function httpLines(c: HttpLike, path: DocPath, ctx: RenderCtx): ConfLine[] {
  if (c.method !== 'GET')
    warn(
      ctx,
      [...path, 'method'],
      'unsupported',
      `keepalived checks with GET only, not ${c.method}`,
    );
  if (c.bodyRegex !== undefined)
    warn(
      ctx,
      [...path, 'bodyRegex'],
      'unsupported',
      'body regular expressions are not written (keepalived builds may lack regex)',
    );
  if (c.type === 'https' && c.tlsVerify)
    warn(
      ctx,
      [...path, 'tlsVerify'],
      'unsupported',
      "keepalived's SSL_GET does not verify certificates",
    );
  const url = block('url', [
    `path ${word(ctx, [...path, 'path'], c.path)}`,
    ...(c.bodyDigest === undefined ? [] : [`digest ${c.bodyDigest}`]),
    `status_code ${statusRanges(c.expectStatus)}`,
  ]);
  return [
    url,
    ...(c.host === undefined ? [] : [`virtualhost ${word(ctx, [...path, 'host'], c.host)}`]),
  ];
}

/** The query types keepalived 2.2's DNS_CHECK knows. */
const KEEPALIVED_DNS_TYPES = new Set(['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA']);

/** keepalived 2.2's DNS_CHECK name test, bug included: it also refuses a one-letter first label. */
function keepalivedAcceptsDnsName(name: string): boolean {
  if (name.startsWith('.') && name !== '.') return false;
  for (let p = 0; p !== -1; p = name.indexOf('.', p + 1)) if (name[p + 1] === '.') return false;
  return true;
}

function dnsLines(c: Extract<HealthCheck, { type: 'dns' }>, path: DocPath, ctx: RenderCtx) {
  if (!KEEPALIVED_DNS_TYPES.has(c.queryType))
    warn(
      ctx,
      [...path, 'queryType'],
      'unsupported',
      `keepalived 2.2's DNS_CHECK has no type ${c.queryType}`,
    );
  if (!keepalivedAcceptsDnsName(c.queryName))
    warn(
      ctx,
      [...path, 'queryName'],
      'unsupported',
      `keepalived 2.2 refuses the DNS_CHECK name ${JSON.stringify(c.queryName)}`,
    );
  return [`type ${c.queryType}`, `name ${word(ctx, [...path, 'queryName'], c.queryName)}`];
}

function ownLines(c: ProbedCheck, path: DocPath, ctx: RenderCtx): ConfLine[] {
  switch (c.type) {
    case 'http':
    case 'https':
      return httpLines(c, path, ctx);
    case 'tcp':
      return [];
    case 'udp': {
      const lines = [
        ...(c.payloadHex === '' ? [] : [`payload ${c.payloadHex}`]),
        ...(c.expectHex === undefined ? [] : [`require_reply ${c.expectHex}`]),
      ];
      if (lines.length > 0)
        warn(
          ctx,
          path,
          'not-reimported',
          "UDP_CHECK payload/require_reply: fleetlb's importer does not read them",
        );
      return lines;
    }
    case 'dns':
      return dnsLines(c, path, ctx);
    case 'script':
      return [
        `misc_path ${scriptCommand(ctx, path, c.path, c.args)}`,
        ...(c.dynamicWeight ? ['misc_dynamic'] : []),
        ...userLine(runAsWords(c.runAs, path, ctx)),
      ];
    case 'smtp':
      return [`helo_name ${word(ctx, [...path, 'heloName'], c.heloName)}`];
  }
}

const CHECKER_KEYWORDS: Record<ProbedCheck['type'], string> = {
  http: 'HTTP_GET',
  https: 'SSL_GET',
  tcp: 'TCP_CHECK',
  udp: 'UDP_CHECK',
  dns: 'DNS_CHECK',
  script: 'MISC_CHECK',
  smtp: 'SMTP_CHECK',
};

/** The checker blocks of one real server (`path` points at its `checks`). */
export function renderChecks(
  checks: readonly HealthCheck[],
  defaults: Defaults,
  path: DocPath,
  trackFiles: TrackFiles,
  ctx: RenderCtx,
): ConfBlock[] {
  return checks.map((c, k) => {
    const at = [...path, k];
    if (c.type === 'file')
      return block('FILE_CHECK', [
        `track_file ${quote(trackFiles.nameOfFile(c))}`,
        `weight ${c.weight}${c.reverse ? ' reverse' : ''}`,
      ]);
    return block(CHECKER_KEYWORDS[c.type], [
      ...ownLines(c, at, ctx),
      ...timingLines(c, defaults, at, ctx),
    ]);
  });
}
