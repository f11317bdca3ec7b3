/** @module keepalived interpreter for real-server checkers (HTTP_GET, SSL_GET, TCP_CHECK, MISC_CHECK, …). */
import { scriptUserLine } from './interpret-global.js';
import type { ConfigNode } from './parse-blocks.js';
import {
  address,
  argAt,
  type Ctx,
  error,
  type Handler,
  ignored,
  int,
  command,
  seconds,
  set,
  str,
  walk,
  warn,
} from './interpret-context.js';
import type { Checker, CheckerType, HttpUrl } from './model.js';

export const CHECKER_TYPES: ReadonlySet<string> = new Set<CheckerType>([
  'HTTP_GET',
  'SSL_GET',
  'TCP_CHECK',
  'MISC_CHECK',
  'DNS_CHECK',
  'UDP_CHECK',
  'SMTP_CHECK',
  'PING_CHECK',
]);

/** `status_code 200 201 300-399`: each value is a code or an inclusive range. */
function statusCodes(n: ConfigNode, u: HttpUrl, c: Ctx): void {
  n.args.forEach((text, i) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(text);
    const first = Number(m?.[1]);
    const last = Number(m?.[2] ?? m?.[1]);
    if (m === null || first < 100 || last > 599 || first > last)
      return error(c, argAt(n, i), `'${text}' is not an HTTP status code or range`);
    for (let code = first; code <= last; code++) u.statusCodes.push(code);
  });
}

/** regex tuning fleetlb's JavaScript regular expressions have no equivalent of. */
const regexTuning = ignored<HttpUrl>(
  'tunes PCRE2 matching, which fleetlb does not use (its regex is a JavaScript one over the whole body)',
);

const URL: Record<string, Handler<HttpUrl>> = {
  path: (n, u, c) => set(u, 'path', str(n, c)),
  digest: (n, u, c) => set(u, 'digest', str(n, c)),
  status_code: statusCodes,
  virtualhost: (n, u, c) => set(u, 'virtualhost', str(n, c)),
  regex: (n, u, c) => set(u, 'regex', str(n, c)),
  regex_no_match: (_n, u) => (u.regexNoMatch = true),
  regex_options: regexTuning,
  regex_min_offset: regexTuning,
  regex_max_offset: regexTuning,
  regex_stack: regexTuning,
};

function url(n: ConfigNode, k: Checker, c: Ctx): void {
  const u: HttpUrl = { statusCodes: [], regexNoMatch: false, at: n.at };
  walk(n.children, URL, u, c, 'url');
  k.urls.push(u);
}

/**
 * keepalived 2.2 knows the 1.x `nb_get_retry` in HTTP_GET and SSL_GET only (check_http.c,
 * "deprecated - please use 'retry'"); elsewhere it is an unknown keyword and the retry count
 * stays the checker's default.
 */
function nbGetRetry(n: ConfigNode, k: Checker, c: Ctx): void {
  if (k.type === 'HTTP_GET' || k.type === 'SSL_GET') {
    warn(c, n.at, "nb_get_retry is deprecated (keepalived 2.2 says so too): read as 'retry'");
    return set(k, 'retry', int(n, c, 0, 65535));
  }
  warn(
    c,
    n.at,
    `keepalived 2.2 does not know nb_get_retry in ${k.type} (a 1.x keyword): ignored, so the checker keeps its default retry; write 'retry'`,
  );
}

const CHECKER: Record<string, Handler<Checker>> = {
  connect_timeout: (n, k, c) => set(k, 'connectTimeoutS', seconds(n, c)),
  connect_port: (n, k, c) => set(k, 'connectPort', int(n, c, 1, 65535)),
  connect_ip: (n, k, c) => set(k, 'connectIp', address(n, c)),
  bindto: (n, k, c) => set(k, 'bindto', address(n, c)),
  retry: (n, k, c) => set(k, 'retry', int(n, c, 0, 65535)),
  nb_get_retry: nbGetRetry,
  delay_before_retry: (n, k, c) => set(k, 'delayBeforeRetryS', seconds(n, c)),
  delay_loop: (n, k, c) => set(k, 'delayLoopS', seconds(n, c)),
  virtualhost: (n, k, c) => set(k, 'virtualhost', str(n, c)),
  url,
  misc_path: (n, k, c) => set(k, 'miscPath', command(n, c, 'script')),
  misc_timeout: (n, k, c) => set(k, 'miscTimeoutS', seconds(n, c)),
  misc_dynamic: (_n, k) => (k.miscDynamic = true),
  user: (n, k, c) => set(k, 'miscUser', scriptUserLine(n, c)),
  type: (n, k, c) => set(k, 'dnsType', str(n, c)),
  name: (n, k, c) => set(k, 'dnsName', str(n, c)),
  helo_name: (n, k, c) => set(k, 'heloName', str(n, c)),
  // check_smtp.c: "The SMTP_CHECK host block is deprecated. Please define additional checkers."
  host: (n, k, c) =>
    warn(
      c,
      n.at,
      k.type === 'SMTP_CHECK'
        ? 'SMTP_CHECK host blocks (deprecated in keepalived 2.2) check other addresses, which fleetlb checks cannot (as connect_ip): ignored, the real server itself is checked'
        : `unknown or unsupported keyword 'host' in ${k.type}; ignored`,
    ),
};

export function interpretChecker(node: ConfigNode, ctx: Ctx): Checker {
  const type = node.keyword as CheckerType;
  const k: Checker = { type, urls: [], miscDynamic: false, at: node.at };
  walk(node.children, CHECKER, k, ctx, type);
  return k;
}
