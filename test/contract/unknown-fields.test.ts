/** Unknown fields: refused by every operator-written schema, named with a suggestion; skipped by tolerant readers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DirectorSpec,
  RealServerSpec,
  SiteSpec,
  VirtualServerSpec,
  VrrpInstanceSpec,
  editDistance,
  fieldIssues,
  parseTolerant,
  suggestField,
  unknownFieldMessage,
} from '../../contract/index.js';
import { instance, realServer } from './builders.js';

describe('suggestions', () => {
  test('edit distance counts an adjacent transposition as one edit, ignoring case', () => {
    const table: [string, string, number][] = [
      ['weight', 'weight', 0],
      ['wieght', 'weight', 1],
      ['sheduler', 'scheduler', 1],
      ['lables', 'labels', 1],
      ['Weight', 'weight', 0],
      ['', 'abc', 3],
      ['kitten', 'sitting', 3],
    ];
    for (const [a, b, d] of table) assert.equal(editDistance(a, b), d, `${a} → ${b}`);
  });

  test('a suggestion only when close enough to be a typo', () => {
    const known = ['name', 'weight', 'adminState', 'labels', 'timeoutS'];
    assert.equal(suggestField('wieght', known), 'weight');
    assert.equal(suggestField('lables', known), 'labels');
    assert.equal(suggestField('admin_state', known), 'adminState');
    assert.equal(suggestField('persistance_timeout', known), undefined);
    assert.equal(suggestField('x', known), undefined);
    assert.equal(
      unknownFieldMessage('wieght', known),
      'unknown field "wieght" (did you mean "weight"?)',
    );
    assert.equal(unknownFieldMessage('zzz', known), 'unknown field "zzz"');
  });
});

describe('strict operator objects', () => {
  const kinds = [
    ['SiteSpec', SiteSpec, { name: 's' }],
    ['DirectorSpec', DirectorSpec, { name: 'lb1', address: '192.0.2.1' }],
    [
      'VrrpInstanceSpec',
      VrrpInstanceSpec,
      { ...instance(), members: [{ director: 'lb1', priority: 100 }] },
    ],
    [
      'VirtualServerSpec',
      VirtualServerSpec,
      { name: 'vs', address: '192.0.2.10', port: 80, protocol: 'tcp' },
    ],
    ['RealServerSpec', RealServerSpec, realServer()],
  ] as const;
  for (const [name, schema, valid] of kinds)
    test(`${name} refuses an unknown field at its path`, () => {
      assert.ok(schema.safeParse(valid).success);
      const result = schema.safeParse({ ...valid, descripton: 'x' });
      assert.ok(!result.success);
      assert.deepEqual(fieldIssues(result.error), [
        {
          path: ['descripton'],
          message: 'unknown field "descripton" (did you mean "description"?)',
        },
      ]);
    });

  test('nested objects and union members are strict too, each field its own issue', () => {
    const result = RealServerSpec.safeParse({
      ...realServer(),
      wieght: 1,
      checks: [{ type: 'https', tlsVerfy: false, path: '/' }],
    });
    assert.ok(!result.success);
    assert.deepEqual(fieldIssues(result.error), [
      {
        path: ['checks', 0, 'tlsVerfy'],
        message: 'unknown field "tlsVerfy" (did you mean "tlsVerify"?)',
      },
      { path: ['wieght'], message: 'unknown field "wieght" (did you mean "weight"?)' },
    ]);
  });
});

describe('tolerant readers', () => {
  test('skip unknown fields (and list them) but still refuse bad values', () => {
    const ok = parseTolerant(RealServerSpec, { ...realServer(), future: { a: 1 } });
    assert.ok(ok.success);
    assert.equal('future' in ok.data, false);
    assert.deepEqual(ok.ignored, [['future']]);
    const bad = parseTolerant(RealServerSpec, { ...realServer(), port: -1, future: 1 });
    assert.ok(!bad.success);
  });
});
