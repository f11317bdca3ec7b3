/**
 * @module The watcher under a notification flood: thousands of address adds/deletes via
 * `ip -batch` while "the agent" (fixtures/rtnetlink-watch.ts) runs the watcher inside a lab host.
 * The agent process must stay alive and responsive, and its event-built model must end equal to
 * the kernel (`ip -j addr`, and a fresh dump) — by seeing every event, or through a child
 * restart + resync. The first case forces the overflow (tiny SO_RCVBUF, child stalled on its first
 * event), so it proves the ENOBUFS abort is contained in the child rather than avoided by luck.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { labPrerequisite, NetnsLab } from '../support/netns-lab.js';
import { fixtureArgv, LineClient, type Line } from './fixtures/rtnetlink-client.js';

const skip = labPrerequisite();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ~5,000 batch lines: every TEST-NET-2/3 /32 and 2,500 IPv6 /128s added, half deleted, a quarter re-added. */
function floodBatches(): string[] {
  const v4 = ['198.51.100', '203.0.113'].flatMap((net) =>
    Array.from({ length: 256 }, (_, i) => `${net}.${i}/32`),
  );
  const v6 = Array.from({ length: 2_500 }, (_, i) => `2001:db8:f::${(i + 1).toString(16)}/128`);
  const all = [...v4, ...v6];
  const add = (a: string) => `addr add ${a} dev eth0${a.includes(':') ? ' nodad' : ''}`;
  // Three `ip -batch` runs (each well inside lab.run's 30 s timeout on a loaded machine).
  return [
    all.map(add),
    all.filter((_, i) => i % 2 === 1).map((a) => `addr del ${a} dev eth0`),
    all.filter((_, i) => i % 4 === 1).map(add),
  ].map((lines) => `${lines.join('\n')}\n`);
}

describe('rtnetlink watcher under a notification flood (netns)', { skip, timeout: 900_000 }, () => {
  let lab: NetnsLab;
  let host = 0;
  before(async () => {
    lab = await NetnsLab.start();
  });
  after(() => lab?.stop());

  const kernelSet = (name: string): string[] => {
    const links = JSON.parse(lab.run(['ip', '-j', 'addr', 'show'], name)) as {
      ifindex: number;
      addr_info: { local: string; prefixlen: number }[];
    }[];
    return links
      .flatMap((l) => l.addr_info.map((a) => `${l.ifindex} ${a.local}/${a.prefixlen}`))
      .sort();
  };

  async function flood(t: TestContext, args: string[]): Promise<Line> {
    const name = `f${++host}`;
    lab.addHost(name, { addresses: ['192.0.2.11/24', '2001:db8::11/64'] });
    const p = new LineClient(
      lab.spawn(fixtureArgv('rtnetlink-watch.ts', ...args), name, { stdio: 'pipe' }),
    );
    await p.waitFor((l) => l.type === 'resync', 60_000);
    const batches = floodBatches();
    const started = Date.now();
    for (const batch of batches) lab.run(['ip', '-batch', '-'], name, batch);
    const batchMs = Date.now() - started;

    // Quiescence: the model (events + resync dumps) equals the kernel, bounded for a loaded machine.
    const kernel = kernelSet(name);
    let model: string[] = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const stats = await p.call('stats');
      model = (await p.call('model')).addresses as string[];
      if (!stats.syncing && model.length === kernel.length && model.join() === kernel.join()) break;
      await sleep(200);
    }
    const stats = await p.call('stats');
    const heartbeats = p.lines.filter((l) => l.type === 'heartbeat');
    const maxGap = (field: string) =>
      Math.max(
        ...heartbeats
          .slice(1)
          .map((h, i) => (h[field] as number) - (heartbeats[i]![field] as number)),
      );
    const maxGapMs = maxGap('at');
    // The work the process did between two heartbeats, whatever else runs on the machine.
    const maxGapCpuMs = Math.round(maxGap('cpuMs'));
    const exits = p.lines.filter((l) => l.type === 'childExit');
    t.diagnostic(
      `${batches.join('').split('\n').length - 1} batch lines in ${batchMs} ms; ${kernel.length} addresses at the end; ` +
        `restarts ${stats.restarts}, resyncs ${stats.resyncs}, address events ${stats.addressEvents}, ` +
        `child exits ${JSON.stringify(exits.map((e) => [e.signal ?? e.code, e.uptimeMs]))}, ` +
        `max heartbeat gap ${maxGapMs} ms (CPU ${maxGapCpuMs} ms), child stderr ${JSON.stringify(exits.map((e) => String(e.stderrTail).trim().split('\n').pop()))}`,
    );

    assert.ok(p.alive, 'the agent process survived');
    // Responsive: its event loop never worked 2 s of CPU without a heartbeat (on a busy machine
    // a wall-clock gap also counts the time it waited for a core, which says nothing about it).
    assert.ok(
      maxGapCpuMs < 2_000,
      `agent stayed responsive (max heartbeat gap ${maxGapMs} ms, ${maxGapCpuMs} ms of CPU)`,
    );
    assert.equal(stats.garbageLines, 0);
    assert.deepEqual(model, kernel, 'model built from events + resyncs equals the kernel');
    const dump = (await p.call('dump')).addresses as string[];
    assert.deepEqual(dump, kernel, 'listAddresses equals ip -j addr');
    const sawAll = stats.restarts === 0;
    assert.ok(
      sawAll || (stats.resyncs as number) >= (stats.restarts as number) + 1,
      'a restart was followed by resync',
    );
    const after = Date.now() - 50;
    await p.waitFor((l) => l.type === 'heartbeat' && (l.at as number) > after, 60_000);
    return stats;
  }

  test('forced overflow (4 KiB buffer, child stalled): child restarts, agent survives and resyncs', async (t) => {
    const stats = await flood(t, ['--recv-buffer-bytes', '4096', '--stall-first-event-ms', '1500']);
    assert.ok(
      (stats.restarts as number) >= 1,
      'the overflow killed the child (containment was exercised)',
    );
  });

  test('default 4 MiB buffer: all events or restart + resync, model equals the kernel', async (t) => {
    await flood(t, []);
  });
});
