/**
 * Status reports are parsed off the event loop: the worker gives the same answers as the pure
 * parser, and the event loop keeps turning while the largest legal report is parsed.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseReport } from '../../control-plane/status/parse-report.js';
import { ReportParser } from '../../control-plane/status/report-parser.js';
import { silentLogger } from '../support/control-plane.js';

const parser = new ReportParser(silentLogger);
after(() => parser.close());

const agent = { version: '1.0.0', startedAt: '2026-01-01T00:00:00Z', ipvsAvailable: true };
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** The largest legal report: 100,000 real servers (~20 MiB). */
function largestReport(): Uint8Array {
  const realServers = Array.from({ length: 100_000 }, (_, i) => ({
    virtualServer: `virtual-server-${String(Math.floor(i / 100)).padStart(5, '0')}`,
    realServer: `real-server-${String(i % 100).padStart(3, '0')}`,
    health: 'up',
    weight: 65535,
    activeConnections: 123456789,
    inactiveConnections: 123456789,
    connectionsTotal: 12345678901234,
  }));
  return encode({ appliedRevision: 7, agent, realServers });
}

test('the worker answers as the pure parser does: valid, malformed JSON, invalid fields', async () => {
  for (const bytes of [
    encode({ appliedRevision: 3, agent, transitions: [] }),
    new TextEncoder().encode('{"appliedRevision": '),
    encode({ appliedRevision: -1, agent }),
    new Uint8Array([0xff, 0xfe, 0x7b]),
  ]) {
    assert.deepEqual(await parser.parse(bytes.slice()), parseReport(bytes));
  }
  const ok = await parser.parse(encode({ appliedRevision: 3, agent }));
  assert.ok(ok.ok);
  assert.equal(ok.appliedRevision, 3);
  assert.deepEqual(JSON.parse(ok.json).realServers, [], 'defaults applied');
});

test('the event loop keeps turning while the largest legal report is parsed', async () => {
  const bytes = largestReport();
  let turns = 0;
  let parsing = true;
  const spin = () => {
    if (!parsing) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const result = await parser.parse(bytes);
  parsing = false;
  assert.ok(result.ok);
  assert.equal(JSON.parse(result.json).realServers.length, 100_000);
  // Parsed in-process, the loop could not turn at all until the parse was done.
  assert.ok(turns > 10, `the event loop turned ${turns} times during the parse`);
});

test('an idle worker ends and the next report starts a new one', async () => {
  const idle = new ReportParser(silentLogger, 20);
  try {
    const bytes = encode({ appliedRevision: 1, agent });
    assert.ok((await idle.parse(bytes.slice())).ok);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(await idle.parse(bytes.slice()), parseReport(bytes));
  } finally {
    await idle.close();
  }
});
