/**
 * @module Plain-HTTP probe for a check that needs only the status code (keepalived HTTP_GET with
 * `status_code` and neither `digest` nor a body regex): one request on a fresh TCP connection,
 * the answer read only as far as its status line, then the connection closed. The status line is
 * RFC 9112 §4: `HTTP-version SP status-code SP [ reason-phrase ]`, the code three digits. As
 * node:http (llhttp) does, only the versions 0.9, 1.0, 1.1 and 2.0 are taken, and an interim
 * 1xx answer other than 101 (RFC 9110 §15.2) is skipped for the final one. Headers and body are
 * not read: the verdict is the status code's, whatever they hold.
 *
 * Why not node:http here: per probe it builds a ClientRequest, an agent socket, an llhttp parser
 * and an IncomingMessage, most of a status-only probe's CPU (bench/README.md, "Health checks").
 * The request is what node:http sends for the same check, refused the same way (a path or Host
 * with characters node:http refuses throws). Checks that read the body, and HTTPS, use http.ts.
 */
import { connect } from 'node:net';
import { fail } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { statusVerdict } from './http-verdict.js';
import type { HttpSpec } from './http-verdict.js';
import { describeError, reasonOfError } from './probe-types.js';
import type { ProbeOptions, ProbeTarget } from './probe-types.js';
import { settler } from './settle.js';

/** node:http's limit on the head of a response (--max-http-header-size, 16 KiB). */
export const MAX_STATUS_LINE_BYTES = 16 * 1024;

/** Characters node:http refuses in a request path (ERR_UNESCAPED_CHARACTERS). */
const INVALID_PATH = /[^\u0021-\u00ff]/;
/** Characters node:http refuses in a header value (ERR_INVALID_CHAR). */
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** The HTTP versions llhttp (node:http) takes in a status line. */
export const LLHTTP_VERSIONS: ReadonlySet<string> = new Set(['0.9', '1.0', '1.1', '2.0']);
const STATUS_LINE = /^HTTP\/(\d\.\d) (\d{3})(?: [^\r\n]*)?\r?$/;
/** The end of a head: an empty line (RFC 9112 §2.1; a bare LF as llhttp takes it). */
const END_OF_HEAD = /\r?\n\r?\n/;

/** The request node:http sends for this check, as latin1 text; throws where node:http throws. */
export function requestText(spec: HttpSpec, host: string): string {
  if (INVALID_PATH.test(spec.path))
    throw new TypeError('Request path contains unescaped characters');
  if (INVALID_HEADER_VALUE.test(host)) throw new TypeError('Invalid character in header "Host"');
  return `${spec.method} ${spec.path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: fleetlb-health\r\nConnection: close\r\n\r\n`;
}

/**
 * The status code of a response's first line (without its LF), or undefined when it is not a
 * status line.
 */
export function statusOfLine(line: string): number | undefined {
  const m = STATUS_LINE.exec(line);
  return m === null || !LLHTTP_VERSIONS.has(m[1]!) ? undefined : Number(m[2]);
}

export function probeHttpStatus(
  spec: HttpSpec,
  target: ProbeTarget,
  host: string,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  const request = requestText(spec, host);
  const socket = connect({ host: target.address, port: target.port });
  const s = settler(opts, () => socket.destroy());
  let head = '';
  socket.once('connect', () => socket.write(request, 'latin1'));
  socket.on('data', (chunk: Buffer) => {
    head += chunk.toString('latin1');
    for (;;) {
      const eol = head.indexOf('\n');
      if (eol < 0 && head.length <= MAX_STATUS_LINE_BYTES) return;
      const line = eol < 0 ? head : head.slice(0, eol);
      const status = eol < 0 ? undefined : statusOfLine(line);
      if (status === undefined) {
        s.settle(fail('error', `not an HTTP status line: ${JSON.stringify(line.slice(0, 64))}`));
        return;
      }
      if (status < 100 || status > 199 || status === 101) {
        s.settle(statusVerdict(spec, status));
        return;
      }
      const end = END_OF_HEAD.exec(head);
      if (end === null) {
        if (head.length > MAX_STATUS_LINE_BYTES) s.settle(fail('error', 'interim answer too long'));
        return;
      }
      head = head.slice(end.index + end[0].length);
    }
  });
  // What node:http reports for a connection closed before an answer: ECONNRESET, "socket hang up".
  socket.once('end', () => s.settle(fail('refused', 'socket hang up')));
  socket.once('error', (err) => s.settle(fail(reasonOfError(err), describeError(err))));
  return s.promise;
}
