/**
 * agent/health/http-body-probe.ts: plain-HTTP checks that read the body (keepalived `digest`, a
 * body regex) parse the response with http-parser-js; their verdict must be node:http's (llhttp)
 * for the same answer. Generated responses (interim answers, status lines valid and not,
 * Content-Length right, short and long, chunked with extensions and trailers, close-delimited,
 * conflicting framing; bodies that match and not; GET and HEAD) are served by a raw TCP server,
 * and each is probed both ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { HealthCheck } from '../../contract/health-check.js';
import { probeHttp, probeViaNodeHttp } from '../../agent/health/http.js';
import type { CheckOf } from '../../agent/health/probe-types.js';
import { HOST, rawAnswerServer } from '../support/health-probe.js';

/** The response the server sends next (each probe is awaited before the next is set). */
let response = '';
const server = rawAnswerServer(() => response);

const byRegex = HealthCheck.parse({ type: 'http', bodyRegex: '^he.*ok' }) as CheckOf<'http'>;
const byDigest = HealthCheck.parse({
  type: 'http',
  bodyDigest: createHash('md5').update('hello ok').digest('hex'),
}) as CheckOf<'http'>;

async function bothWays(spec: CheckOf<'http'>, text: string) {
  response = text;
  const verdict = (r: Awaited<ReturnType<typeof probeHttp>>) => (r.ok ? 'pass' : r.reason);
  const opts = { timeoutMs: 5000, maxBodyBytes: 64 };
  const raw = verdict(await probeHttp(spec, { address: HOST, port: server.port() }, opts));
  const node = verdict(await probeViaNodeHttp(spec, { address: HOST, port: server.port() }, opts));
  return { raw, node };
}

function chunked(body: string, sizes: readonly number[], upper: boolean, ext: string): string {
  let out = '';
  let at = 0;
  for (const size of sizes) {
    if (at >= body.length) break;
    const part = body.slice(at, at + Math.max(1, size));
    at += part.length;
    const hex = part.length.toString(16);
    out += `${upper ? hex.toUpperCase() : hex}${ext}\r\n${part}\r\n`;
  }
  if (at < body.length) out += `${(body.length - at).toString(16)}\r\n${body.slice(at)}\r\n`;
  return out;
}

const framing = fc.oneof(
  fc.record({ kind: fc.constant('length' as const), delta: fc.constantFrom(0, 0, -1, 3, 100) }),
  fc.record({
    kind: fc.constant('chunked' as const),
    sizes: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }),
    upper: fc.boolean(),
    ext: fc.constantFrom('', ';a=b'),
    trailer: fc.constantFrom('', 'X-T: 1\r\n'),
  }),
  fc.constant({ kind: 'close' as const }),
  fc.constant({ kind: 'both' as const }),
  fc.constant({ kind: 'two-lengths' as const }),
);

const responseText = fc
  .record({
    interim: fc.constantFrom(
      '',
      '',
      'HTTP/1.1 100 Continue\r\n\r\n',
      'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n',
    ),
    status: fc.constantFrom(
      'HTTP/1.1 200 OK',
      'HTTP/1.0 200 OK',
      'HTTP/1.1 200',
      'HTTP/1.1 404 Not Found',
      'HTTP/1.1 204 No Content',
      'HTTP/1.2 200 OK',
      'HTTP/1.1 20 OK',
      'SSH-2.0-OpenSSH_9.2',
    ),
    body: fc.constantFrom('hello ok', 'hello ok, and more', 'nope', '', 'x'.repeat(80)),
    framing,
  })
  .map(({ interim, status, body, framing: f }): { head: string; body: string } => {
    const head = `${interim}${status}\r\nConnection: close\r\n`;
    switch (f.kind) {
      case 'length':
        return { head: `${head}Content-Length: ${body.length + f.delta}\r\n\r\n`, body };
      case 'chunked': {
        const chunks = chunked(body, f.sizes, f.upper, f.ext);
        return {
          head: `${head}Transfer-Encoding: chunked\r\n\r\n`,
          body: `${chunks}0\r\n${f.trailer}\r\n`,
        };
      }
      case 'close':
        return { head: `${head}\r\n`, body };
      case 'both':
        return {
          head: `${head}Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n`,
          body: `${chunked(body, [], false, '')}0\r\n\r\n`,
        };
      case 'two-lengths':
        return {
          head: `${head}Content-Length: ${body.length}\r\nContent-Length: ${body.length + 1}\r\n\r\n`,
          body,
        };
    }
  });

test('same verdict as node:http for generated responses, by regex and by digest, GET and HEAD', async () => {
  const cases = fc.sample(
    fc.tuple(
      responseText,
      fc.constantFrom(byRegex, byDigest),
      fc.constantFrom('GET', 'GET', 'HEAD'),
    ),
    { numRuns: 150, seed: 18 },
  );
  const differing: string[] = [];
  for (const [text, spec, method] of cases) {
    // A response to HEAD carries the head alone.
    const sent = method === 'HEAD' ? text.head : text.head + text.body;
    const { raw, node } = await bothWays({ ...spec, method: method as 'GET' | 'HEAD' }, sent);
    if (raw !== node)
      differing.push(`${method} ${JSON.stringify(sent)}: raw ${raw}, node:http ${node}`);
  }
  assert.deepEqual(differing, []);
});

test('where http-parser-js is more lenient than llhttp: malformed chunk-size lines', async () => {
  // llhttp refuses a chunk size that is not hex, or is followed by bare whitespace; http-parser-js
  // reads it as parseInt does. Not hex: no body (a down verdict either way). Trailing whitespace:
  // the body is read as sent. keepalived decodes no chunks at all (it digests the raw bytes).
  const head = 'HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n';
  assert.deepEqual(await bothWays(byRegex, `${head}zz\r\nhello ok\r\n0\r\n\r\n`), {
    raw: 'body',
    node: 'error',
  });
  assert.deepEqual(await bothWays(byRegex, `${head}8 \r\nhello ok\r\n0\r\n\r\n`), {
    raw: 'pass',
    node: 'error',
  });
});
