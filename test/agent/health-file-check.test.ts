/**
 * keepalived FILE_CHECK in the agent: the pure verdict for a file's number (trackers/track_file.c
 * `update_track_file_status()`, `process_update_checker_track_file_status()`), the real server's
 * weight it gives in decide.ts (check_data.h `real_weight()` clamping), and, in process with the
 * fake directory and a fake IPVS reconciler, a real server whose weight and health follow the
 * file's contents as they change.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileCheckVerdict } from '../../agent/core/health/file-check.js';
import { decideVirtualServer, type RealServerHealth } from '../../agent/core/health/decide.js';
import { serverHealth } from '../../agent/core/health/hysteresis.js';
import { fileCheckState } from '../../agent/core/health/file-check.js';
import { HealthRunner } from '../../agent/health/runner.js';
import { DirectorAgent } from '../../agent/runtime/director-agent.js';
import type { DesiredService, IpvsTable } from '../../agent/core/ipvs/model.js';
import { DesiredState } from '../../contract/desired-state.js';
import type { RealServerSpec } from '../../contract/virtual-server.js';
import { FakeFiles } from '../support/fake-files.js';

const INT32_MAX = 2 ** 31 - 1;

describe('fileCheckVerdict: number × weight, as keepalived 2.2 reads a FILE_CHECK', () => {
  const cases: [number, number, boolean, { up: boolean; weightDelta: number }][] = [
    [0, 5, false, { up: true, weightDelta: 0 }],
    [3, 5, false, { up: true, weightDelta: 15 }],
    [-3, 5, false, { up: true, weightDelta: -15 }],
    [3, 5, true, { up: true, weightDelta: -15 }], // reverse: × -1
    [-3, -5, true, { up: true, weightDelta: -15 }],
    // weight 0: a non-zero number takes the server down; reversed, a zero one does
    [0, 0, false, { up: true, weightDelta: 0 }],
    [7, 0, false, { up: false, weightDelta: 0 }],
    [-1, 0, false, { up: false, weightDelta: 0 }],
    [0, 0, true, { up: false, weightDelta: 0 }],
    [7, 0, true, { up: true, weightDelta: 0 }],
    // weight_range(): clamped to the int range; INT_MIN (IPVS_WEIGHT_FAULT) is down
    [2 ** 31, INT32_MAX, false, { up: true, weightDelta: INT32_MAX }],
    [-(2 ** 31), 1, false, { up: false, weightDelta: 0 }],
    [-(2 ** 31) + 1, 1, false, { up: true, weightDelta: -(2 ** 31) + 1 }],
    [2, -(2 ** 30), false, { up: false, weightDelta: 0 }],
    [1, INT32_MAX, true, { up: true, weightDelta: -INT32_MAX }],
  ];
  for (const [value, weight, reverse, want] of cases)
    test(`value ${value}, weight ${weight}${reverse ? ' reverse' : ''}`, () => {
      assert.deepEqual(fileCheckVerdict(value, { weight, reverse }), want);
    });
});

function rs(name: string, weight: number): RealServerSpec {
  return {
    name,
    labels: {},
    address: `192.0.2.${name.slice(1)}`,
    port: 80,
    weight,
    adminState: 'enabled',
    upperThreshold: 0,
    lowerThreshold: 0,
    checks: [],
  };
}

const vs = (realServers: RealServerSpec[]) => ({
  forwarding: 'nat' as const,
  quorum: 1,
  hysteresis: 0,
  inhibitOnFailure: false,
  realServers,
});

const weightOf = (spec: RealServerSpec, health: RealServerHealth) =>
  decideVirtualServer(vs([spec]), new Map([[spec.name, health]]), true).destinations[0]?.weight;

describe('the real server weight a file check gives (decide.ts)', () => {
  test('configured weight + Σ changes, clamped to 0..65535; at or below 0 it stays in at weight 0', () => {
    assert.equal(weightOf(rs('r1', 10), { up: true, weightDelta: 15 }), 25);
    assert.equal(weightOf(rs('r1', 10), { up: true, weightDelta: -15 }), 0);
    assert.equal(weightOf(rs('r1', 10), { up: true, weightDelta: INT32_MAX }), 65535);
  });
  test('on top of a misc_dynamic weight (check_misc.c: cur_weight replaces the base)', () => {
    assert.equal(weightOf(rs('r1', 10), { up: true, weightOverride: 4, weightDelta: 3 }), 7);
  });
  test('several file checks add up; one that is down takes the server down', () => {
    const a = fileCheckState(2, { weight: 5, reverse: false });
    const b = fileCheckState(1, { weight: -3, reverse: false });
    const h = serverHealth([a, b]);
    assert.deepEqual([h.up, h.weightDelta], [true, 7]);
    assert.equal(weightOf(rs('r1', 10), h), 17);
    const down = serverHealth([a, fileCheckState(1, { weight: 0, reverse: false })]);
    assert.deepEqual([down.up, down.downReasons], [false, ['file']]);
    assert.equal(weightOf(rs('r1', 10), down), undefined);
  });
  test('a file check that cannot run counts for nothing', () => {
    const h = serverHealth([fileCheckState('neutral', { weight: 0, reverse: false })]);
    assert.deepEqual([h.up, h.weightDelta], [true, 0]);
  });
});

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** One NAT virtual server, two real servers; web1 has a weighted file check and a weight-0 one. */
const document = DesiredState.parse({
  apiVersion: 'fleetlb/v1',
  kind: 'DirectorConfig',
  site: 'lab',
  director: { name: 'lb1', address: '198.51.100.1' },
  revision: 1,
  vrrpInstances: [],
  virtualServers: [
    {
      name: 'web',
      family: 'ipv4',
      address: '192.0.2.10',
      port: 80,
      protocol: 'tcp',
      quorum: 1,
      realServers: [
        {
          name: 'web1',
          address: '198.51.100.11',
          port: 80,
          weight: 10,
          checks: [
            { type: 'file', path: '/run/lb/web1.weight', weight: 2 },
            {
              type: 'file',
              path: '/run/lb/web1.maintenance',
              weight: 0,
              init: { value: 0, overwrite: false },
            },
          ],
        },
        { name: 'web2', address: '198.51.100.12', port: 80, weight: 10 },
      ],
    },
  ],
});

describe('a FILE_CHECK in the agent (fake directory, fake IPVS)', () => {
  test("changing the file's contents changes the real server's weight and health", async () => {
    const files = new FakeFiles();
    files.set('/run/lb/web1.weight', '5\n');
    const tables: IpvsTable<DesiredService>[] = [];
    const health = new HealthRunner({ onChange: () => agent.healthChanged(), files });
    const agent: DirectorAgent = new DirectorAgent(
      { update: async () => undefined, virtualServerChanged: () => undefined },
      { setDesired: (t) => void tables.push(t), settled: async () => {} },
      undefined,
      health,
    );
    health.start();
    assert.deepEqual(await agent.apply(document), { ok: true });
    await settle();
    const web1 = () => {
      const dest = tables.at(-1)?.services[0]?.destinations;
      return dest?.find((d) => d.address === '198.51.100.11')?.weight;
    };
    assert.equal(web1(), 20, '10 + 5 × 2');
    assert.equal(files.contents.get('/run/lb/web1.maintenance'), '0\n', 'init_file wrote 0');
    assert.deepEqual(health.fileValues('web', 'web1'), [5, 0]);

    files.set('/run/lb/web1.weight', '-3');
    await settle();
    assert.equal(web1(), 4, '10 - 3 × 2');

    files.set('/run/lb/web1.weight', '-20');
    await settle();
    assert.equal(web1(), 0, 'at or below 0: in, at weight 0');

    files.remove('/run/lb/web1.weight'); // a missing file reads 0
    await settle();
    assert.equal(web1(), 10);

    files.set('/run/lb/web1.maintenance', '1');
    await settle();
    assert.equal(web1(), undefined, 'weight 0 and a non-zero number: down, out of the table');
    assert.equal(health.serverHealth('web', 'web1')?.up, false);

    files.set('/run/lb/web1.maintenance', 'not a number'); // reads 0
    await settle();
    assert.equal(web1(), 10);
    await health.stop();
  });
});

describe('file checks in the health runner', () => {
  const spec = (path: string, weight: number) =>
    DesiredState.parse({
      ...document,
      virtualServers: [
        {
          ...document.virtualServers[0]!,
          realServers: [
            {
              ...document.virtualServers[0]!.realServers[0]!,
              checks: [{ type: 'file', path, weight }],
            },
          ],
        },
      ],
    }).virtualServers;

  test('a directory that cannot be watched: the check counts for nothing, and says why', async () => {
    const files = new FakeFiles();
    files.missingDirs.add('/gone');
    const disabled: string[] = [];
    const runner = new HealthRunner({
      onChange: () => undefined,
      files,
      onFileDisabled: (check, reason) => disabled.push(`${check.realServer}: ${reason}`),
    });
    runner.update(spec('/gone/web1', 0));
    runner.start();
    await settle();
    assert.deepEqual(disabled, ['web1: cannot watch /gone: ENOENT: /gone']);
    assert.deepEqual(runner.healthOf('web').get('web1'), {
      up: true,
      weightOverride: undefined,
      weightDelta: 0,
    });
    await runner.stop();
  });

  test('stop closes the watches; a new document with another file follows that file', async () => {
    const files = new FakeFiles();
    files.set('/run/a', '1');
    files.set('/run/b', '4');
    const runner = new HealthRunner({ onChange: () => undefined, files });
    runner.update(spec('/run/a', 0));
    runner.start();
    await settle();
    assert.equal(runner.healthOf('web').get('web1')?.up, false, 'weight 0, number 1: down');
    runner.update(spec('/run/b', 3));
    await settle();
    assert.deepEqual(runner.healthOf('web').get('web1'), {
      up: true,
      weightOverride: undefined,
      weightDelta: 12,
    });
    files.set('/run/a', '0'); // no longer followed
    files.set('/run/b', '5');
    await settle();
    assert.equal(runner.healthOf('web').get('web1')?.weightDelta, 15);
    await runner.stop();
    files.set('/run/b', '6');
    await settle();
    assert.equal(runner.healthOf('web').get('web1')?.weightDelta, 15, 'not followed once stopped');
  });
});
