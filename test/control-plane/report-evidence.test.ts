/**
 * control-plane/store/report-evidence.ts, the rules alone (the fleet views apply them, see
 * fleet-evidence.test.ts): what each member's latest report supports at a given moment.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentStatus, type AgentStatusInput, type VrrpState } from '../../contract/index.js';
import {
  STALE_MARGIN_MS,
  weighInstance,
  type DirectorReport,
} from '../../control-plane/store/report-evidence.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A stored report: received at `atMs`, sent by a clock `skewMs` off, master/backup `since`. */
function stored(
  atMs: number,
  state: VrrpState | undefined,
  sinceMs: number,
  { skewMs = 0, stopped = false } = {},
): DirectorReport {
  const input: AgentStatusInput = {
    appliedRevision: 1,
    sentAt: iso(atMs + skewMs),
    agent: {
      ...{ version: '0', startedAt: iso(T0 + skewMs), ipvsAvailable: true },
      ...{ reportIntervalMs: 5_000, state: stopped ? 'stopped' : 'running' },
    },
    vrrp:
      state === undefined
        ? []
        : [
            {
              ...{ instance: 'web', vrid: 51, state, priority: 100, since: iso(sinceMs + skewMs) },
              vipsOwned: state === 'master' ? ['192.0.2.100'] : [],
            },
          ],
  };
  return { reportedAt: new Date(atMs), appliedRevision: 1, report: AgentStatus.parse(input) };
}

const cases: [string, (DirectorReport | undefined)[], number, string, string][] = [
  // what, [a, b] reports, now, members' states, masters
  ['no report at all', [undefined, undefined], T0, 'unknown,unknown', ''],
  [
    'one master, one backup',
    [stored(T0, 'master', T0 - 9e5), stored(T0, 'backup', T0 - 9e5)],
    T0,
    'master,backup',
    'a',
  ],
  [
    'the instance not mentioned',
    [stored(T0, 'master', T0 - 9e5), stored(T0, undefined, 0)],
    T0,
    'master,unknown',
    'a',
  ],
  [
    'fresh at the limit',
    [stored(T0, 'master', T0 - 9e5), undefined],
    T0 + 10_000 + STALE_MARGIN_MS,
    'master,unknown',
    'a',
  ],
  [
    'stale past it',
    [stored(T0, 'master', T0 - 9e5), undefined],
    T0 + 10_001 + STALE_MARGIN_MS,
    'unknown,unknown',
    '',
  ],
  [
    'stopped never ages',
    [stored(T0, 'init', T0, { stopped: true }), undefined],
    T0 + 9e6,
    'stopped,unknown',
    '',
  ],
  [
    'a later takeover supersedes',
    [stored(T0, 'master', T0 - 9e5), stored(T0 + 2_000, 'master', T0 + 1_900)],
    T0 + 2_000,
    'unknown,master',
    'b',
  ],
  [
    '… on skewed clocks too',
    [
      stored(T0, 'master', T0 - 9e5, { skewMs: 3e6 }),
      stored(T0 + 2_000, 'master', T0 + 1_900, { skewMs: -3e6 }),
    ],
    T0 + 2_000,
    'unknown,master',
    'b',
  ],
  [
    'a claim newer than the takeover: split brain',
    [stored(T0 + 3_000, 'master', T0 - 9e5), stored(T0 + 2_000, 'master', T0 + 1_900)],
    T0 + 3_000,
    'master,master',
    'a,b',
  ],
];

for (const [what, [a, b], now, states, masters] of cases) {
  test(what, () => {
    const weighed = weighInstance(
      'web',
      [
        { director: 'a', latest: a },
        { director: 'b', latest: b },
      ],
      new Date(now),
    );
    assert.equal(weighed.members.map((m) => m.state).join(), states);
    assert.equal(weighed.masters.join(), masters);
    assert.equal(weighed.splitBrain, weighed.masters.length > 1);
    assert.equal(weighed.noMaster, weighed.masters.length === 0);
    // Only a mastership that counts owns VIPs.
    for (const m of weighed.members) assert.equal(m.vipsOwned.length > 0, m.state === 'master');
  });
}

test('a counting master that reports handing over (maintenance) carries handingOver; a backup never', () => {
  const report = stored(T0, 'master', T0 - 9e5);
  report.report.vrrp[0]!.handingOver = true;
  const weighed = weighInstance(
    'web',
    [
      { director: 'a', latest: report },
      { director: 'b', latest: stored(T0, 'backup', T0 - 9e5) },
    ],
    new Date(T0),
  );
  assert.deepEqual(
    weighed.members.map((m) => [m.state, m.handingOver]),
    [
      ['master', true],
      ['backup', undefined],
    ],
  );
});

test('a master handing over next to the new master: both members master, only the new one counts', () => {
  const old = stored(T0 + 1_000, 'master', T0 - 9e5);
  old.report.vrrp[0]!.handingOver = true;
  const weighed = weighInstance(
    'web',
    [
      { director: 'a', latest: old },
      { director: 'b', latest: stored(T0 + 500, 'master', T0) },
    ],
    new Date(T0 + 1_000),
  );
  assert.deepEqual(
    weighed.members.map((m) => m.state),
    ['master', 'master'],
  );
  assert.deepEqual(weighed.masters, ['b']);
  assert.equal(weighed.splitBrain, false);
});
