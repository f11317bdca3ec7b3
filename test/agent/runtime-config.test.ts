/**
 * The agent's config path: backoff delays, the last-known-good copy on disk, and the long-poll
 * client against a real control plane over HTTP (PGlite) and against a fake one serving bad
 * documents or errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backoffDelayMs } from '../../agent/core/runtime/backoff.js';
import { LastKnownGood } from '../../agent/runtime/last-known-good.js';
import { ConfigClient, type ConfigClientEvents } from '../../agent/runtime/config-client.js';
import type { DesiredState } from '../../contract/desired-state.js';
import type { TestControlPlane } from '../support/control-plane.js';
import {
  serveFake,
  serveTestControlPlane,
  type ServedControlPlane,
} from '../support/control-plane-http.js';
import { SITE } from '../support/fleet.js';

const DOCUMENT = JSON.parse(
  readFileSync(new URL('../../contract/fixtures/compiled/ams1-lb1.json', import.meta.url), 'utf8'),
) as DesiredState;

describe('backoffDelayMs (exponential, full jitter)', () => {
  test('stays within [0, min(max, base × 2^attempt)]', () => {
    const policy = { baseMs: 500, maxMs: 30_000 };
    assert.equal(backoffDelayMs(0, 0.999, policy), 499);
    assert.equal(backoffDelayMs(3, 0.999, policy), 3996);
    assert.equal(backoffDelayMs(10, 0.999, policy), 29_970);
    assert.equal(backoffDelayMs(1_000, 0.5, policy), 15_000);
    assert.equal(backoffDelayMs(5, 0, policy), 0);
  });
});

describe('LastKnownGood', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-lkg-'));
  const lkg = new LastKnownGood(dir);

  test('nothing saved yet: undefined', async () => {
    assert.equal(await lkg.load(), undefined);
  });

  test('save then load gives the document back, checked; no temporary file is left', async () => {
    await lkg.save(DOCUMENT);
    await lkg.save({ ...DOCUMENT, revision: DOCUMENT.revision + 1 });
    const loaded = await lkg.load();
    assert.ok(loaded?.ok);
    assert.equal(loaded.document.revision, DOCUMENT.revision + 1);
    assert.deepEqual(readdirSync(dir), ['last-known-good.json']);
  });

  test('a corrupt copy is reported, never used', async () => {
    writeFileSync(lkg.path, '{"apiVersion": "fleetlb/v1", "kind": "Direc');
    const loaded = await lkg.load();
    assert.equal(loaded?.ok, false);
    assert.match(loaded && !loaded.ok ? loaded.problems[0]! : '', /last-known-good\.json: /);
  });
});

/** Collects what a client reports. */
function recorder() {
  const seen = {
    documents: [] as number[],
    rejected: [] as (number | undefined)[],
    errors: [] as number[],
  };
  const waiters: (() => void)[] = [];
  const events: ConfigClientEvents = {
    onDocument: (d) =>
      void (seen.documents.push(d.revision), waiters.splice(0).forEach((w) => w())),
    onRejected: (r) => void (seen.rejected.push(r), waiters.splice(0).forEach((w) => w())),
    onError: (_e, ms) => void (seen.errors.push(ms), waiters.splice(0).forEach((w) => w())),
  };
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { seen, events, until };
}

describe('ConfigClient against a control plane over HTTP', () => {
  let served: ServedControlPlane;
  let cp: TestControlPlane;
  let url = '';
  let token = '';

  before(async () => {
    served = await serveTestControlPlane();
    ({ cp, url } = served);
    token = await cp.token('agent', SITE, 'lb1');
  });
  after(() => served.close());

  test('gets the document, then each new revision through the long-poll', async () => {
    const { seen, events, until } = recorder();
    const client = new ConfigClient({ url, token, waitS: 5 }, events);
    client.start();
    try {
      await until(() => seen.documents.length === 1, 'the first document');
      const res = await cp.request(
        'PATCH',
        `/v1/sites/${SITE}/virtual-servers/web-http/real-servers/web1`,
        { body: { weight: 3 }, headers: { 'content-type': 'application/merge-patch+json' } },
      );
      assert.equal(res.status, 200, res.text);
      await until(() => seen.documents.length === 2, 'the changed document');
      assert.ok(seen.documents[1]! > seen.documents[0]!);
      assert.deepEqual(seen.errors, []);
    } finally {
      await client.stop();
    }
  });

  test('a bad token is an error with a backoff delay, retried', async () => {
    const { seen, events, until } = recorder();
    const client = new ConfigClient(
      { url, token: 'flb_nope', waitS: 1, backoff: { baseMs: 10, maxMs: 40 } },
      events,
    );
    client.start();
    try {
      await until(() => seen.errors.length >= 3, 'three retries');
      assert.ok(seen.errors.every((ms) => ms >= 0 && ms < 40));
      assert.deepEqual(seen.documents, []);
    } finally {
      await client.stop();
    }
  });
});

describe('ConfigClient against a fake control plane', () => {
  let fake: Awaited<ReturnType<typeof serveFake>>;
  let url = '';
  const requests: (string | undefined)[] = [];
  let body = '{"apiVersion":"fleetlb/v1","kind":"DirectorConfig","revision":"seven"}';

  before(async () => {
    fake = await serveFake((req, res) => {
      requests.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"7"') {
        setTimeout(() => res.writeHead(304, { etag: '"7"' }).end(), 100);
        return;
      }
      res.writeHead(200, { etag: '"7"', 'content-type': 'application/json' }).end(body);
    });
    url = fake.url;
  });
  after(() => fake.close());

  test('a malformed document is refused once; the next polls wait on its ETag', async () => {
    const { seen, events, until } = recorder();
    const client = new ConfigClient({ url, token: 't', waitS: 1 }, events);
    client.start();
    try {
      await until(() => requests.length >= 3, 'three polls');
      assert.deepEqual(seen.rejected, [7]);
      assert.deepEqual(seen.documents, []);
      assert.deepEqual(requests.slice(0, 3), [undefined, '"7"', '"7"']);
    } finally {
      await client.stop();
    }
    body = JSON.stringify(DOCUMENT);
  });

  test('a control plane that is down: errors with backoff, and stop() returns at once', async () => {
    const { seen, events, until } = recorder();
    const client = new ConfigClient(
      { url: 'http://127.0.0.1:9', token: 't', backoff: { baseMs: 10, maxMs: 20 } },
      events,
    );
    client.start();
    await until(() => seen.errors.length >= 2, 'two failed polls');
    await client.stop();
    assert.deepEqual(seen.documents, []);
  });
});
