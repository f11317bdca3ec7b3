/**
 * A write of a VRRP instance says in advance what it disturbs: an edit that changes the virtual
 * router's identity on a director (VRID, version, family, or that director's interface) answers
 * with a `Warning: 299` naming the directors where it re-elects; an edit the agents apply in
 * place (priority, VIPs, interval, …) carries no warning. On PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reelections } from '../../contract/vrrp-identity.js';
import { warningTexts } from '../../control-plane/cli/http-client.js';
import { warningHeader } from '../../control-plane/routes/objects/reelection-warnings.js';
import { forEachDatabase } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

const WEB = `/v1/sites/${SITE}/vrrp-instances/web`;

forEachDatabase('VRRP instance writes announce re-elections', (get) => {
  test('a priority or VIP edit: no warning', async () => {
    const cp = get();
    await seedSite(cp);
    const current = (await cp.request('GET', WEB)).body;
    const members = current.members.map((m: { director: string; priority: number }) => ({
      ...m,
      priority: m.priority + 1,
    }));
    const patched = await cp.request('PATCH', WEB, { body: { members } });
    assert.equal(patched.status, 200);
    assert.equal(patched.headers.get('warning'), null);
  });

  test('a VRID change: a warning naming every member', async () => {
    const cp = get();
    const patched = await cp.request('PATCH', WEB, { body: { vrid: 61 } });
    assert.equal(patched.status, 200);
    const [warning, ...rest] = warningTexts(patched.headers.get('warning'));
    assert.deepEqual(rest, []);
    assert.match(warning ?? '', /re-elects on lb1 \(vrid changed\), lb2 \(vrid changed\)/);
  });

  test('PUT with one member on another interface: only that director re-elects', async () => {
    const cp = get();
    const current = (await cp.request('GET', WEB)).body;
    const { resourceVersion: _v, site: _s, createdAt: _c, updatedAt: _u, ...spec } = current;
    const members = current.members.map((m: { director: string }) =>
      m.director === 'lb2' ? { ...m, interface: 'eth9' } : m,
    );
    const put = await cp.request('PUT', WEB, { body: { ...spec, members } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(warningTexts(put.headers.get('warning')).length, 1);
    assert.match(put.headers.get('warning') ?? '', /on lb2 \(interface changed\):/);
  });
});

describe('reelections and the Warning header', () => {
  const instance = {
    interface: 'eth0',
    vrid: 51,
    version: 3 as const,
    vips: [{ address: '192.0.2.100' }],
    members: [{ director: 'lb1' }, { director: 'lb2', interface: 'eth1' }],
  };
  test('members added or removed are not re-elections; a family change is', () => {
    const after = {
      ...instance,
      vips: [{ address: '2001:db8::100' }],
      members: [{ director: 'lb2', interface: 'eth1' }, { director: 'lb3' }],
    };
    assert.deepEqual(reelections(instance, after), [{ director: 'lb2', fields: ['family'] }]);
  });
  test('a warning text with quotes survives the header and back', () => {
    const text = 'instance "a\\b" re-elects';
    assert.deepEqual(warningTexts(warningHeader(text)), [text]);
  });
});
