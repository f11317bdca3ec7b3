/**
 * @module Plain-HTTP probe for a check that reads the body (keepalived HTTP_GET with `digest` or
 * a body regex): the request of the status-only probe (http-status-probe.ts) on a fresh TCP
 * connection, the response parsed by http-parser-js (a well-kept pure-JS parser with node's
 * http_parser API: it runs in lite mode, where V8 has no WebAssembly for undici's llhttp), the
 * body (at most `maxBodyBytes`) judged as keepalived does (http-verdict.ts), then the connection
 * closed. An interim 1xx answer other than 101 is skipped for the final one (RFC 9110 §15.2), as
 * node:http does; a response whose status line llhttp would refuse (an HTTP version other than
 * 0.9, 1.0, 1.1, 2.0) fails as it does under node:http.
 *
 * Why not node:http: per probe it builds a ClientRequest, an agent socket, an llhttp parser
 * and an IncomingMessage stream (bench/README.md, "Health checks").
 */
import { connect } from 'node:net';
import { HTTPParser } from 'http-parser-js';
import { fail } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { bodyVerdict, statusVerdict } from './http-verdict.js';
import type { HttpSpec } from './http-verdict.js';
import { LLHTTP_VERSIONS, requestText } from './http-status-probe.js';
import { describeError, reasonOfError } from './probe-types.js';
import type { ProbeOptions, ProbeTarget } from './probe-types.js';
import { settler } from './settle.js';

/**
 * Why llhttp would refuse a head that http-parser-js takes, or undefined: an HTTP version it does
 * not know, or both Content-Length and Transfer-Encoding (RFC 9112 §6.3: a request smuggling
 * vector; llhttp's HPE_UNEXPECTED_CONTENT_LENGTH). `headers` is [name, value, name, value, …].
 */
export function refusedHead(
  versionMajor: number,
  versionMinor: number,
  headers: readonly string[],
): string | undefined {
  if (!LLHTTP_VERSIONS.has(`${versionMajor}.${versionMinor}`))
    return `not an HTTP status line: HTTP/${versionMajor}.${versionMinor}`;
  let length = false;
  let encoding = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!.toLowerCase();
    if (name === 'content-length') length = true;
    else if (name === 'transfer-encoding') encoding = true;
  }
  return length && encoding ? 'both Content-Length and Transfer-Encoding' : undefined;
}

export function probeHttpBody(
  spec: HttpSpec,
  target: ProbeTarget,
  host: string,
  maxBodyBytes: number,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  const request = requestText(spec, host);
  const socket = connect({ host: target.address, port: target.port });
  const s = settler(opts, () => socket.destroy());
  const parser = new HTTPParser(HTTPParser.RESPONSE);
  const chunks: Buffer[] = [];
  let size = 0;
  /** The final (not interim) response's headers were read. */
  let final = false;
  parser[HTTPParser.kOnHeadersComplete] = (info) => {
    const refused = refusedHead(info.versionMajor, info.versionMinor, info.headers);
    if (refused !== undefined) {
      s.settle(fail('error', refused));
      return 1;
    }
    const status = info.statusCode;
    if (status >= 100 && status <= 199 && status !== 101) return 1; // interim: skip to the next
    final = true;
    const verdict = statusVerdict(spec, status);
    if (!verdict.ok) s.settle(verdict);
    // A response to HEAD has no body, whatever its headers say (RFC 9110 §9.3.2).
    return spec.method === 'HEAD' ? 1 : 0;
  };
  parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
    size += length;
    if (size > maxBodyBytes) s.settle(fail('body', `body larger than ${maxBodyBytes} bytes`));
    else chunks.push(chunk.subarray(offset, offset + length));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (final)
      s.settle(bodyVerdict(spec, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  };
  socket.once('connect', () => socket.write(request, 'latin1'));
  socket.on('data', (chunk: Buffer) => {
    if (s.done()) return;
    const parsed = parser.execute(chunk);
    if (parsed instanceof Error) s.settle(fail('error', `bad HTTP response: ${parsed.message}`));
  });
  socket.once('end', () => {
    if (s.done()) return;
    parser.finish(); // completes a body delimited by the close; else the answer was cut short
    // What node:http reports for a connection closed before a whole answer (ECONNRESET).
    s.settle(fail('refused', final ? 'aborted' : 'socket hang up'));
  });
  socket.once('error', (err) => s.settle(fail(reasonOfError(err), describeError(err))));
  return s.promise;
}
