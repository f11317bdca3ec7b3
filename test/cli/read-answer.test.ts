/**
 * The CLI reads the API's answers with the contract's shapes, tolerantly: a newer server's extra
 * fields (or a grown enum in a field it does not read) never break an older CLI; an answer that
 * lacks what the CLI acts on is a clear error naming the field, never a crash.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { directorOutcome, waitForApplied } from '../../control-plane/cli/apply-wait.js';
import { CliError } from '../../control-plane/cli/exit-codes.js';
import { ApiClient, ApiError, readProblem } from '../../control-plane/cli/http-client.js';

const ROW = {
  name: 'lb1',
  address: '192.0.2.1',
  reportedAt: '2026-01-01T00:00:00.000Z',
  staleAt: null,
  stale: false,
  stopped: false,
  appliedRevision: 7,
  revision: 7,
  behind: false,
  rejected: null,
  agent: null,
  errors: [],
  conditions: [],
};

/**
 * Runs `check` against a real HTTP server on loopback whose every answer is `body` (as JSON, or
 * as text when it is a string): what a newer server, or a proxy in front of one, could answer.
 */
async function withServer(body: unknown, check: (client: ApiClient) => Promise<void>) {
  const server = createServer((_req, res) => {
    const json = typeof body !== 'string';
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'text/html' });
    res.end(json ? JSON.stringify(body) : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await check(new ApiClient(`http://127.0.0.1:${port}`, 'token'));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
const APPLIED = [
  { site: 'ams1', dryRun: false, changed: true, revision: 7, objects: [], reelections: [] },
];

test('apply --wait reads a newer server’s directors-status: extra fields and a new condition type are skipped', async () => {
  const newer = {
    site: 'ams1',
    revision: 7,
    shinyNewField: { any: 'thing' },
    directors: [
      {
        ...ROW,
        maintenance: { since: '2026-01-01T00:00:00.000Z' },
        conditions: [{ type: 'some-future-condition', object: { kind: 'Thing', name: 'x' } }],
      },
    ],
  };
  const lines: string[] = [];
  await withServer(newer, (client) => waitForApplied(client, APPLIED, 1000, (l) => lines.push(l)));
  assert.deepEqual(lines, ['ams1/lb1: revision 7 applied']);
});

test('apply --wait: an answer without what the wait needs is a clear error naming the field', async () => {
  const broken = { directors: [{ ...ROW, appliedRevision: 'seven' }] };
  await withServer(broken, (client) =>
    assert.rejects(
      waitForApplied(client, APPLIED, 1000, () => {}),
      (err: CliError) =>
        err instanceof CliError &&
        err.exitCode === 1 &&
        /not what this CLI understands/.test(err.message) &&
        /directors\[0\]\.appliedRevision/.test(err.message),
    ),
  );
  await withServer('<html>proxy error</html>', (client) =>
    assert.rejects(
      waitForApplied(client, APPLIED, 1000, () => {}),
      (err: CliError) => err instanceof CliError && err.exitCode === 1,
    ),
  );
});

test('directorOutcome takes the contract’s row: a refusal of the revision names its reasons', () => {
  const outcome = directorOutcome(
    {
      ...ROW,
      appliedRevision: 6,
      rejected: { revision: 7, reasons: [{ path: 'a', message: 'b' }] },
    },
    7,
  );
  assert.deepEqual(outcome, { kind: 'refused', reasons: ['a: b'] });
});

test('an error body is read for what has the contract’s types; anything else is left out', () => {
  assert.deepEqual(
    readProblem({
      type: 'urn:fleetlb:problem:validation-failed',
      title: 'Validation failed',
      status: 422,
      errors: [{ path: 'body.wieght', message: 'unknown field' }, 'garbage', { path: 1 }],
      future: true,
    }),
    { title: 'Validation failed', errors: [{ path: 'body.wieght', message: 'unknown field' }] },
  );
  assert.deepEqual(readProblem({ title: 5, detail: 'd', errors: 'nope' }), { detail: 'd' });
  assert.equal(readProblem(['not', 'a', 'problem']), undefined);
  assert.equal(readProblem(undefined), undefined);
  const err = new ApiError(502, readProblem({ errors: 'nope' }), 'GET /v1/sites');
  assert.equal(err.message, 'GET /v1/sites: 502 error');
});
