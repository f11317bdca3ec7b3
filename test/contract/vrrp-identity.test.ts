/**
 * contract/vrrp-identity.ts: what an edit of a director's VRRP instance disturbs, table-driven
 * over every field of DirectorVrrpInstance. The table must name every field the schema has, so a
 * field added later is classified deliberately.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import {
  classifyInstanceChange,
  classifyInstanceSet,
  identityChanges,
} from '../../contract/vrrp-identity.js';

const base = DirectorVrrpInstance.parse({
  name: 'web',
  vrid: 51,
  version: 3,
  interface: 'eth0',
  priority: 150,
  vips: [{ address: '192.0.2.100', prefixLength: 24 }],
});
type Spec = typeof base;

/** One edit per field: the field, the edit, and whether it re-creates the instance. */
const EDITS: ReadonlyArray<[keyof Spec | 'family', (s: Spec) => Spec, 'in-place' | 'recreate']> = [
  ['vrid', (s) => ({ ...s, vrid: 52 }), 'recreate'],
  ['version', (s) => ({ ...s, version: 2 }), 'recreate'],
  ['interface', (s) => ({ ...s, interface: 'eth1' }), 'recreate'],
  ['family', (s) => ({ ...s, vips: [{ address: '2001:db8::100', prefixLength: 64 }] }), 'recreate'],
  ['advertIntervalCs', (s) => ({ ...s, advertIntervalCs: 50 }), 'in-place'],
  ['preempt', (s) => ({ ...s, preempt: false }), 'in-place'],
  ['preemptDelayS', (s) => ({ ...s, preemptDelayS: 30 }), 'in-place'],
  ['acceptMode', (s) => ({ ...s, acceptMode: false }), 'in-place'],
  ['unicast', (s) => ({ ...s, unicast: true }), 'in-place'],
  ['v3ChecksumAsV2', (s) => ({ ...s, v3ChecksumAsV2: true }), 'in-place'],
  ['authPassword', (s) => ({ ...s, authPassword: 'secret' }), 'in-place'],
  [
    'vips',
    (s) => ({ ...s, vips: [...s.vips, { address: '192.0.2.101', prefixLength: 24 }] }),
    'in-place',
  ],
  [
    'trackedChecks',
    (s) => ({
      ...s,
      trackedChecks: [{ type: 'interface', name: 'up', interface: 'eth1', weight: -20 }],
    }),
    'in-place',
  ],
  ['syncGroup', (s) => ({ ...s, syncGroup: 'g1' }), 'in-place'],
  ['garp', (s) => ({ ...s, garp: { ...s.garp, masterRepeat: 2 } }), 'in-place'],
  ['notify', (s) => ({ ...s, notify: { master: '/usr/local/bin/master.sh' } }), 'in-place'],
  ['priority', (s) => ({ ...s, priority: 160 }), 'in-place'],
  ['unicastSource', (s) => ({ ...s, unicastSource: '192.0.2.11' }), 'in-place'],
  ['unicastPeers', (s) => ({ ...s, unicastPeers: ['192.0.2.12'] }), 'in-place'],
  // The election goes on; the sync controller restarts only the daemons (agent/runtime/ipvs-sync.ts).
  ['ipvsSync', (s) => ({ ...s, ipvsSync: { interface: 'eth1' } }), 'in-place'],
];

describe('classifyInstanceChange', () => {
  test('the table covers every field of DirectorVrrpInstance', () => {
    // A rename is another instance to the director (classifyInstanceSet, below).
    const covered = new Set<string>([...EDITS.map(([field]) => field), 'name']);
    const missing = Object.keys(DirectorVrrpInstance.shape).filter(
      (f) => !covered.has(f as keyof Spec),
    );
    assert.deepEqual(missing, []);
  });

  test('an identical instance is unchanged', () => {
    assert.deepEqual(classifyInstanceChange(base, structuredClone(base)), { kind: 'unchanged' });
  });

  for (const [field, edit, kind] of EDITS) {
    test(`${field}: ${kind}`, () => {
      const change = classifyInstanceChange(base, DirectorVrrpInstance.parse(edit(base)));
      assert.equal(change.kind, kind);
      assert.deepEqual('fields' in change && change.fields, [field]);
    });
  }

  test('an identity change names every identity field that changed', () => {
    const next = { ...base, vrid: 60, interface: 'eth9' };
    assert.deepEqual(identityChanges(base, next), ['interface', 'vrid']);
  });

  test('VIPs in another order, or a prefix change, stay in place', () => {
    const two = { ...base, vips: [...base.vips, { address: '192.0.2.101', prefixLength: 24 }] };
    const swapped = { ...two, vips: [two.vips[1]!, two.vips[0]!] };
    assert.equal(classifyInstanceChange(two, swapped).kind, 'in-place');
  });
});

describe('classifyInstanceSet', () => {
  test('start, stop, re-create, in place and unchanged, by name', () => {
    const a = { ...base, name: 'a' };
    const b = { ...base, name: 'b', vrid: 52 };
    const c = { ...base, name: 'c', vrid: 53 };
    const d = { ...base, name: 'd', vrid: 54 };
    const e = { ...base, name: 'e', vrid: 55 };
    const result = classifyInstanceSet(
      [a, b, c, d],
      [a, { ...b, priority: 10 }, { ...c, vrid: 63 }, e],
    );
    assert.deepEqual(result, {
      start: ['e'],
      stop: ['d'],
      recreate: [{ name: 'c', fields: ['vrid'] }],
      inPlace: [{ name: 'b', fields: ['priority'] }],
      unchanged: ['a'],
    });
  });

  test('a renamed instance stops under its old name and starts under the new one', () => {
    const result = classifyInstanceSet([base], [{ ...base, name: 'web2' }]);
    assert.deepEqual([result.stop, result.start], [['web'], ['web2']]);
  });
});
