/**
 * agent/health/deadline.ts through real probes: when the agent's own event loop is blocked past a
 * probe's deadline, a real server (in another process, so it answers meanwhile) is not marked
 * timed out; a server that never answers still is, with the extension bounded by `timeoutMs`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { HealthCheck, type HealthCheckInput } from '../../contract/health-check.js';
import { runProbe } from '../../agent/health/probe.js';
import { assertFails, HOST } from '../support/health-probe.js';

/** An HTTP server and a TCP server in a child process; prints "<httpPort> <tcpPort>". */
const SERVERS = `
const http = require('node:http'), net = require('node:net');
const h = http.createServer((q, s) => s.end('ok')).listen(0, '${HOST}', () => {
  const t = net.createServer((s) => s.end()).listen(0, '${HOST}', () =>
    console.log(h.address().port + ' ' + t.address().port));
});`;

let child: ChildProcess;
let httpPort = 0;
let tcpPort = 0;
let hangPort = 0;
const hung: Socket[] = [];
const hang = createServer((s) => hung.push(s));

before(async () => {
  child = spawn(process.execPath, ['-e', SERVERS], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  [httpPort, tcpPort] = line.split(' ').map(Number) as [number, number];
  await new Promise<void>((r) => hang.listen(0, HOST, r));
  hangPort = (hang.address() as AddressInfo).port;
});
after(() => {
  child.kill();
  hung.forEach((s) => s.destroy());
  hang.close();
});

/** Blocks this process's event loop for `ms`, as a long synchronous task would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* busy */
  }
}

/** Starts the probe, blocks the loop for `blockMs`, then awaits it; collects the extensions. */
async function probeWhileBlocked(input: HealthCheckInput, port: number, blockMs: number) {
  const stalls: { lateMs: number; extendedMs: number }[] = [];
  const pending = runProbe(
    HealthCheck.parse(input),
    { address: HOST, port },
    { timeoutMs: 200, onStall: (lateMs, extendedMs) => stalls.push({ lateMs, extendedMs }) },
  );
  blockFor(blockMs);
  return { result: await pending, stalls };
}

describe('probe deadlines count only the time the agent could run', () => {
  test('http: the loop blocked 3× past the deadline, the server answered meanwhile → up', async () => {
    const { result, stalls } = await probeWhileBlocked({ type: 'http', path: '/' }, httpPort, 600);
    assert.deepEqual(result, { ok: true });
    assert.ok(stalls.length <= 1, JSON.stringify(stalls));
  });

  test('tcp: the same stall → up', async () => {
    const { result } = await probeWhileBlocked({ type: 'tcp' }, tcpPort, 600);
    assert.deepEqual(result, { ok: true });
  });

  test('a server that never answers still times out; the extension is at most timeoutMs', async () => {
    // (An HTTP probe: a TCP connect to a listening socket completes even if nothing answers.)
    const blocked = await probeWhileBlocked({ type: 'http', path: '/' }, hangPort, 1000);
    assertFails(blocked.result, 'timeout');
    assert.equal(blocked.stalls.length, 1);
    assert.ok(blocked.stalls[0]!.lateMs >= 700, JSON.stringify(blocked.stalls));
    assert.equal(blocked.stalls[0]!.extendedMs, 200, 'the extension is capped at timeoutMs');
  });

  test('without a stall of its own the probe still times out, extended at most timeoutMs', async () => {
    const { result, stalls } = await probeWhileBlocked({ type: 'http', path: '/' }, hangPort, 0);
    assertFails(result, 'timeout');
    // No extension at all when the timers fire on time is asserted on a manual clock
    // (health-deadline-wheel.test.ts): here a loaded machine may deschedule this process past
    // the tolerance, which is a stall the deadline rightly discounts.
    for (const stall of stalls) assert.ok(stall.extendedMs <= 200, JSON.stringify(stalls));
  });
});
