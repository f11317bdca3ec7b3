/**
 * agent/health/http-status-probe.ts: the status-line reader of status-only HTTP checks. Its verdict
 * must be node:http's (llhttp) for the same answer: generated first lines (valid, and mutated
 * into invalid ones) are served by a raw TCP server, and each is probed both ways (node:http
 * with a body regex that matches anything).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HealthCheck } from '../../contract/health-check.js';
import { probeHttp, probeViaNodeHttp } from '../../agent/health/http.js';
import { requestText, statusOfLine } from '../../agent/health/http-status-probe.js';
import type { CheckOf } from '../../agent/health/probe-types.js';
import { HOST, rawAnswerServer } from '../support/health-probe.js';

/** The first line the server sends next (each probe is awaited before the next is set). */
let firstLine = '';
const server = rawAnswerServer(
  () => `${firstLine}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
);

const statusOnly = HealthCheck.parse({ type: 'http', expectStatus: [200, 204] }) as CheckOf<'http'>;
const viaNodeHttp = { ...statusOnly, bodyRegex: '' };
const opts = { timeoutMs: 5000 };

async function bothWays(line: string) {
  firstLine = line;
  const raw = await probeHttp(statusOnly, { address: HOST, port: server.port() }, opts);
  const node = await probeViaNodeHttp(viaNodeHttp, { address: HOST, port: server.port() }, opts);
  const verdict = (r: typeof raw) => (r.ok ? 'pass' : r.reason);
  return { raw: verdict(raw), node: verdict(node) };
}

const validLine = fc
  .tuple(
    fc.constantFrom('0.9', '1.0', '1.1', '2.0'),
    fc.constantFrom('200', '204', '301', '404', '500', '999', '000'),
    fc.constantFrom('', ' ', ' OK', ' Not Found', ' weird reason ÿ'),
  )
  .map(([version, code, reason]) => `HTTP/${version} ${code}${reason}`);

test('status line: the code of a valid line, undefined for anything else', () => {
  fc.assert(
    fc.property(validLine, (line) => {
      assert.equal(statusOfLine(line), Number(line.slice(9, 12)));
      assert.equal(statusOfLine(`${line}\r`), Number(line.slice(9, 12)));
    }),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (line) => {
      const status = statusOfLine(line);
      if (status !== undefined) assert.match(line, /^HTTP\/(0\.9|1\.[01]|2\.0) \d{3}/);
    }),
  );
  for (const bad of [
    'HTTP/1.1 20',
    'HTTP/1.1 2000',
    'HTTP/1.2 200',
    'http/1.1 200',
    'HTTP/1.1  200',
  ]) {
    assert.equal(statusOfLine(bad), undefined, bad);
  }
});

test('same verdict as node:http for generated first lines, valid and mutated', async () => {
  const mutated = fc
    .tuple(validLine, fc.nat({ max: 20 }), fc.constantFrom('', 'x', ' ', '\t', '0', '1', '/'))
    .map(([line, at, insert]) => line.slice(0, at) + insert + line.slice(at + 1));
  const lines = [
    ...fc.sample(validLine, { numRuns: 30, seed: 18 }),
    ...fc.sample(mutated, { numRuns: 60, seed: 18 }),
    'HTTP/1.0 200 OK',
    'HTTP/1.1 204',
    'HTTP/1.1 500 Internal Server Error',
    'SSH-2.0-OpenSSH_9.2',
    'HTTP/1.1 100 Continue',
    'HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 204 No Content',
    'HTTP/1.1 101 Switching Protocols',
    'HTTP/1.1 099 x',
    '',
  ];
  const differing: string[] = [];
  for (const line of new Set(lines)) {
    const { raw, node } = await bothWays(line);
    if (raw !== node) differing.push(`${JSON.stringify(line)}: raw ${raw}, node:http ${node}`);
  }
  assert.deepEqual(differing, []);
});

test('the request is what node:http sends, refused where node:http refuses', () => {
  assert.equal(
    requestText({ ...statusOnly, path: '/health?x=1' }, 'example.test'),
    'GET /health?x=1 HTTP/1.1\r\nHost: example.test\r\nUser-Agent: fleetlb-health\r\nConnection: close\r\n\r\n',
  );
  assert.throws(() => requestText({ ...statusOnly, path: '/a b' }, 'h'));
  assert.throws(() => requestText(statusOnly, 'h\r\nX: y'));
});
