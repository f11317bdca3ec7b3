/**
 * control-plane/cli/maintenance-wait.ts `handoverOutcome` (pure): an instance is handed over
 * only when the director applied maintenance and reports it, no longer claims master, and exactly
 * one other member is master with fresh evidence and the VIPs; otherwise the reason says why.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  handoverOutcome,
  type WaitDirector,
  type WaitInstance,
} from '../../control-plane/cli/maintenance-wait.js';

const self = (over: Partial<WaitDirector> = {}): WaitDirector => ({
  name: 'lb1',
  stale: false,
  stopped: false,
  appliedRevision: 7,
  agent: { maintenance: true },
  ...over,
});
const instance = (lb1: string, lb2: string, vips = ['192.0.2.100']): WaitInstance => ({
  name: 'web',
  members: [
    { director: 'lb1', state: lb1, vipsOwned: lb1 === 'master' ? vips : [] },
    { director: 'lb2', state: lb2, vipsOwned: lb2 === 'master' ? vips : [] },
  ],
  masters: [lb1, lb2].flatMap((s, i) => (s === 'master' ? [`lb${i + 1}`] : [])),
});

const why = (o: ReturnType<typeof handoverOutcome>) => (o.done ? 'done' : o.why);

test('handed over: lb2 master with the VIP, lb1 backup in maintenance at the revision', () => {
  assert.deepEqual(handoverOutcome('lb1', 7, instance('backup', 'master'), self()), {
    done: true,
    master: 'lb2',
    vips: ['192.0.2.100'],
  });
});

test('each reason it is not yet', () => {
  const cases: [string, ReturnType<typeof handoverOutcome>][] = [
    [
      'no fresh report from lb1',
      handoverOutcome('lb1', 7, instance('backup', 'master'), self({ stale: true })),
    ],
    [
      'no fresh report from lb1',
      handoverOutcome('lb1', 7, instance('backup', 'master'), undefined),
    ],
    [
      "lb1's agent stopped",
      handoverOutcome('lb1', 7, instance('backup', 'master'), self({ stopped: true })),
    ],
    [
      'lb1 has not applied maintenance (revision 8) yet',
      handoverOutcome('lb1', 8, instance('backup', 'master'), self()),
    ],
    [
      'lb1 has not applied maintenance (revision 7) yet',
      handoverOutcome(
        'lb1',
        7,
        instance('backup', 'master'),
        self({ agent: { maintenance: false } }),
      ),
    ],
    ['lb1 is still master', handoverOutcome('lb1', 7, instance('master', 'backup'), self())],
    ["lb1's state is unknown", handoverOutcome('lb1', 7, instance('unknown', 'master'), self())],
    [
      'no other member reports master yet',
      handoverOutcome('lb1', 7, instance('backup', 'backup'), self()),
    ],
    [
      'lb2 is master but reports no VIP',
      handoverOutcome('lb1', 7, instance('backup', 'master', []), self()),
    ],
  ];
  for (const [expected, outcome] of cases) assert.equal(why(outcome), expected);
});

test('a master handing over says so: it still owns the VIPs until the new master advertises', () => {
  const handing = instance('master', 'backup');
  handing.members[0]!.handingOver = true;
  assert.equal(
    why(handoverOutcome('lb1', 7, handing, self())),
    'lb1 is still master, handing over (the VIPs stay until a new master advertises)',
  );
});
