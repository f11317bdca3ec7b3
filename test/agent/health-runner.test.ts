/**
 * agent/health/runner: with a real TCP server on 127.0.0.1 and 100 ms intervals, a real server
 * goes down after `fall` failed probes once its port closes and comes back after `rise` passes once
 * it reopens (order of events asserted, not timings); the concurrency bound holds; `update` keeps
 * the state of unchanged checks and resets changed ones; `stop` aborts and leaves no timer or socket.
 */
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthCheckInput } from '../../contract/health-check.js';
import { fail, PASS } from '../../agent/core/health/result.js';
import type { ProbeResult } from '../../agent/core/health/result.js';
import { HealthRunner } from '../../agent/health/runner.js';
import type { ServerHealthChange } from '../../agent/health/runner.js';
import type { ProbeFn } from '../../agent/health/probe.js';
import { webVirtualServer } from '../support/health-probe.js';

const TIMING = { intervalMs: 100, timeoutMs: 80, rise: 2, fall: 2 };

function doc(servers: { name: string; port: number; checks: HealthCheckInput[] }[]) {
  return [
    webVirtualServer(
      servers.map((s) => ({ ...s, address: '127.0.0.1' })),
      TIMING,
    ),
  ];
}

async function listenOn(port: number): Promise<Server> {
  const s = createServer((c) => c.destroy());
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  return s;
}
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

async function until(cond: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  for (let waited = 0; !cond(); waited += 20) {
    if (waited > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const handles = () =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r === 'Timeout' || r.includes('TCP') || r.includes('UDP'));

describe('HealthRunner', () => {
  test('down after fall failures, back after rise passes, in order; stop leaves nothing', async () => {
    const baseline = handles().length;
    let server = await listenOn(0);
    const port = (server.address() as AddressInfo).port;
    const changes: ServerHealthChange[] = [];
    const probed: boolean[] = [];
    const runner = new HealthRunner({
      onChange: (c) => changes.push(c),
      onResult: (e) => probed.push(e.result.ok),
    });
    runner.update(doc([{ name: 'a', port, checks: [{ type: 'tcp' }] }]));
    runner.start();
    await until(() => probed.length >= 2, 'two probes');
    assert.equal(changes.length, 0, 'an up server that keeps passing reports nothing');
    await close(server);
    const failsBefore = probed.length;
    await until(() => changes.length === 1, 'down');
    assert.equal(changes[0]?.health.up, false);
    assert.deepEqual(changes[0]?.health.downReasons, ['refused']);
    assert.ok(probed.slice(failsBefore).filter((ok) => !ok).length >= TIMING.fall);
    assert.equal(runner.healthOf('web').get('a')?.up, false);
    server = await listenOn(port);
    const passesBefore = probed.length;
    await until(() => changes.length === 2, 'up again');
    assert.equal(changes[1]?.health.up, true);
    assert.ok(probed.slice(passesBefore).filter((ok) => ok).length >= TIMING.rise);
    await runner.stop();
    await close(server);
    const n = probed.length;
    await sleep(250);
    assert.equal(probed.length, n, 'no probe after stop');
    assert.ok(handles().length <= baseline, `left behind: ${handles().join(',')}`);
  });

  test('concurrency never exceeds maxConcurrent; stop aborts probes in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    let aborted = 0;
    const probe: ProbeFn = (_spec, _target, opts) =>
      new Promise<ProbeResult>((resolve) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        const onAbort = () => {
          aborted++;
          done(fail('error', 'aborted'));
        };
        const t = setTimeout(() => done(PASS), 30);
        const done = (r: ProbeResult) => {
          clearTimeout(t);
          opts.signal?.removeEventListener('abort', onAbort);
          inFlight--;
          resolve(r);
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
      });
    const runner = new HealthRunner({ onChange: () => undefined, probe, maxConcurrent: 3 });
    const servers = Array.from({ length: 20 }, (_, i) => ({
      name: `r${i}`,
      port: 1000 + i,
      checks: [{ type: 'tcp' as const }],
    }));
    runner.update(doc(servers));
    runner.start();
    await until(() => peak >= 3, 'saturation');
    await sleep(300);
    await runner.stop();
    assert.equal(peak, 3);
    assert.equal(inFlight, 0);
    assert.ok(aborted >= 1);
  });

  test('update keeps the state of unchanged checks and resets changed ones', async () => {
    const down = new Set<number>([1001, 1002]);
    const calls: number[] = [];
    const probe: ProbeFn = (_spec, target) => {
      calls.push(target.port);
      return Promise.resolve(down.has(target.port) ? fail('refused', 'x') : PASS);
    };
    const changes: string[] = [];
    const runner = new HealthRunner({
      onChange: (c) => changes.push(`${c.realServer}:${c.health.up}`),
      probe,
    });
    const a = { name: 'a', port: 1001, checks: [{ type: 'tcp' as const }] };
    const b = { name: 'b', port: 1002, checks: [{ type: 'tcp' as const }] };
    runner.update(doc([a, b]));
    runner.start();
    await until(() => changes.length === 2, 'both down');
    // a unchanged; b's check moves to a healthy port; c is new.
    const c = { name: 'c', port: 1003, checks: [{ type: 'tcp' as const }] };
    runner.update(doc([a, { ...b, checks: [{ type: 'tcp' as const, port: 1004 }] }, c]));
    assert.equal(runner.serverHealth('web', 'a')?.up, false, 'unchanged check kept its down state');
    assert.equal(
      runner.serverHealth('web', 'b')?.up,
      true,
      'changed check restarted in the initial (up) state',
    );
    assert.equal(runner.serverHealth('web', 'c')?.up, true);
    assert.deepEqual(changes.sort(), ['a:false', 'b:false', 'b:true']);
    await until(() => calls.includes(1004) && calls.includes(1003), 'new checks probed');
    runner.update(doc([]));
    assert.equal(runner.serverHealth('web', 'a'), undefined);
    const n = calls.length;
    await sleep(250);
    assert.equal(calls.length, n, 'removed checks are no longer probed');
    await runner.stop();
  });

  test('initialUp false (keepalived alpha): a new server starts down and rises', async () => {
    const changes: boolean[] = [];
    const runner = new HealthRunner({
      onChange: (c) => changes.push(c.health.up),
      probe: () => Promise.resolve(PASS),
      initialUp: false,
    });
    runner.update(doc([{ name: 'a', port: 1, checks: [{ type: 'tcp' }] }]));
    runner.start();
    await until(() => changes.length === 2, 'rise');
    assert.deepEqual(changes, [false, true]);
    await runner.stop();
  });

  test('a failure with retries left is retried after retryIntervalMs (keepalived delay_before_retry), then delay_loop', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const probedAtMs: number[] = [];
      const changes: boolean[] = [];
      const runner = new HealthRunner({
        onChange: (c) => changes.push(c.health.up),
        probe: () => {
          probedAtMs.push(Date.now());
          return Promise.resolve(fail('refused', 'ECONNREFUSED'));
        },
        clock: () => Date.now(),
      });
      const check: HealthCheckInput = {
        type: 'tcp',
        intervalMs: 10_000,
        retryIntervalMs: 1_000,
        fall: 3,
      };
      runner.update(doc([{ name: 'a', port: 1, checks: [check] }]));
      runner.start();
      for (let i = 0; i < 40 && probedAtMs.length < 4; i++) {
        mock.timers.tick(500);
        await sleep(0); // let the probe's promise settle
      }
      const gaps = probedAtMs.slice(1).map((t, i) => t - probedAtMs[i]!);
      // Two retries 1 s apart take it down (fall 3); the next probe is a delay_loop later.
      assert.deepEqual(gaps.slice(0, 3), [1_000, 1_000, 10_000]);
      assert.deepEqual(changes, [false]);
      await runner.stop();
    } finally {
      mock.timers.reset();
    }
  });

  test('initialHealth down (keepalived alpha): starts down without a transition, then rises', async () => {
    const changes: { up: boolean; initial: boolean }[] = [];
    const runner = new HealthRunner({
      onChange: (c) => changes.push({ up: c.health.up, initial: c.initial }),
      probe: () => Promise.resolve(PASS),
    });
    const [vs] = doc([{ name: 'a', port: 1, checks: [{ type: 'tcp' }] }]);
    runner.update([{ ...vs!, initialHealth: 'down' }]);
    assert.equal(runner.healthOf('web').get('a')?.up, false, 'down before any probe');
    runner.start();
    await until(() => changes.length === 2, 'rise');
    assert.deepEqual(changes, [
      { up: false, initial: true },
      { up: true, initial: false },
    ]);
    await runner.stop();
  });
});
