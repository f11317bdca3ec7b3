/**
 * The compiler from a site to each director's document, against golden documents shared with
 * the agent's tests: contract/fixtures/sites/*.json (the site, as API bodies) compile to
 * contract/fixtures/compiled/<site>-<director>.json, both purely and through the API.
 * Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  DesiredState,
  DirectorSpec,
  RealServerSpec,
  VirtualServerSpec,
  VrrpInstanceSpec,
  validateDesiredState,
  validateSite,
} from '../../contract/index.js';
import {
  compileDesiredState,
  type SiteSnapshot,
} from '../../control-plane/compile/desired-state.js';
import { forEachDatabase } from '../support/control-plane.js';

const FIXTURES = new URL('../../contract/fixtures/', import.meta.url);
const update = process.env.UPDATE_GOLDEN === '1';

interface SiteFixture {
  site: { name: string } & Record<string, unknown>;
  directors: Record<string, unknown>[];
  vrrpInstances: Record<string, unknown>[];
  virtualServers: ({ name: string; realServers: Record<string, unknown>[] } & Record<
    string,
    unknown
  >)[];
}

const sites = readdirSync(new URL('sites/', FIXTURES)).map(
  (file) => JSON.parse(readFileSync(new URL(`sites/${file}`, FIXTURES), 'utf8')) as SiteFixture,
);

function snapshotOf(fixture: SiteFixture, revision: number): SiteSnapshot {
  return {
    site: { name: fixture.site.name, revision },
    directors: fixture.directors.map((d) => DirectorSpec.parse(d)),
    vrrpInstances: fixture.vrrpInstances.map((i) => VrrpInstanceSpec.parse(i)),
    virtualServers: fixture.virtualServers.map(({ realServers, ...vs }) => ({
      ...VirtualServerSpec.parse(vs),
      realServers: realServers.map((r) => RealServerSpec.parse(r)),
    })),
  };
}

function golden(site: string, director: string): URL {
  return new URL(`compiled/${site}-${director}.json`, FIXTURES);
}

for (const fixture of sites) {
  const snapshot = snapshotOf(fixture, 1);

  test(`${fixture.site.name}: the site is valid`, () => {
    assert.deepEqual(validateSite(snapshot), []);
  });

  for (const { name } of snapshot.directors) {
    test(`${fixture.site.name}/${name}: compiles to the golden document, which validates clean`, () => {
      const document = compileDesiredState(snapshot, name);
      assert.ok(document);
      if (update)
        writeFileSync(golden(fixture.site.name, name), `${JSON.stringify(document, null, 2)}\n`);
      const expected = JSON.parse(readFileSync(golden(fixture.site.name, name), 'utf8'));
      assert.deepEqual(document, expected);
      assert.deepEqual(
        DesiredState.parse(expected),
        expected,
        'the golden document is its own parse',
      );
      assert.deepEqual(validateDesiredState(expected), []);
    });
  }

  test(`${fixture.site.name}: compiling is deterministic whatever the row order`, () => {
    const shuffled: SiteSnapshot = {
      ...snapshot,
      vrrpInstances: [...snapshot.vrrpInstances].reverse(),
      virtualServers: [...snapshot.virtualServers]
        .reverse()
        .map((vs) => ({ ...vs, realServers: [...vs.realServers].reverse() })),
    };
    for (const { name } of snapshot.directors)
      assert.deepEqual(compileDesiredState(shuffled, name), compileDesiredState(snapshot, name));
  });
}

test('an unknown director compiles to nothing', () => {
  assert.equal(compileDesiredState(snapshotOf(sites[0]!, 1), 'nobody'), undefined);
});

test('a file check (keepalived FILE_CHECK) compiles as it is: no timing defaults, a valid document', () => {
  const snapshot = snapshotOf(sites[0]!, 1);
  const file = RealServerSpec.shape.checks.parse([
    { type: 'file', path: '/run/lb/web.weight', weight: 2 },
    { type: 'tcp' },
  ]);
  const [vs, ...others] = snapshot.virtualServers;
  const [rs, ...rest] = vs!.realServers;
  const edited = {
    ...snapshot,
    virtualServers: [{ ...vs!, realServers: [{ ...rs!, checks: file }, ...rest] }, ...others],
  };
  const director = (sites[0]!.directors[0]!.name as string) ?? '';
  const doc = compileDesiredState(edited, director);
  const compiled = doc?.virtualServers
    .find((v) => v.name === vs!.name)
    ?.realServers.find((r) => r.name === rs!.name)?.checks;
  assert.deepEqual(compiled?.[0], {
    type: 'file',
    path: '/run/lb/web.weight',
    weight: 2,
    reverse: false,
  });
  assert.equal(compiled?.[1]?.type, 'tcp');
  assert.ok('intervalMs' in (compiled?.[1] ?? {}), 'probed checks get the timing defaults');
  assert.deepEqual(validateDesiredState(DesiredState.parse(doc)), []);
});

forEachDatabase('compiled through the API', (get) => {
  for (const fixture of sites) {
    test(`${fixture.site.name}: agents pull exactly the golden documents`, async () => {
      const cp = get();
      const site = fixture.site.name;
      const post = async (path: string, body: unknown) => {
        const res = await cp.request('POST', path, { body });
        assert.equal(res.status, 201, `${path}: ${res.text}`);
      };
      await post('/v1/sites', fixture.site);
      for (const d of fixture.directors) await post(`/v1/sites/${site}/directors`, d);
      // Instances that track virtual servers need them first: create instances without tracking,
      // then the virtual servers, then put the full instances.
      for (const i of fixture.vrrpInstances)
        await post(`/v1/sites/${site}/vrrp-instances`, { ...i, trackedChecks: [] });
      for (const { realServers, ...vs } of fixture.virtualServers) {
        await post(`/v1/sites/${site}/virtual-servers`, vs);
        for (const rs of realServers)
          await post(`/v1/sites/${site}/virtual-servers/${vs.name}/real-servers`, rs);
      }
      for (const i of fixture.vrrpInstances) {
        const res = await cp.request('PUT', `/v1/sites/${site}/vrrp-instances/${i.name}`, {
          body: i,
        });
        assert.equal(res.status, 200, res.text);
      }
      for (const d of fixture.directors) {
        const token = await cp.token('agent', site, d.name as string);
        const res = await cp.request('GET', '/v1/agent/config', { token });
        assert.equal(res.status, 200);
        const expected = JSON.parse(readFileSync(golden(site, d.name as string), 'utf8'));
        assert.deepEqual(res.body, { ...expected, revision: res.body.revision });
      }
    });
  }
});

test("a member's own notify, tracked checks and unicast source override the instance's on that director only", () => {
  const fixture = sites[0]!;
  const base = snapshotOf(fixture, 1);
  const instance = base.vrrpInstances.find((i) => i.members.length > 1);
  assert.ok(instance, 'the fixture has an instance with two members');
  const [first, second] = instance.members;
  const own = VrrpInstanceSpec.parse({
    ...instance,
    unicast: true,
    members: [
      first,
      {
        ...second,
        notify: { master: '/usr/local/bin/own.sh' },
        trackedChecks: [],
        unicastSource: '192.0.2.250',
      },
    ],
  });
  const snapshot = {
    ...base,
    vrrpInstances: base.vrrpInstances.map((i) => (i === instance ? own : i)),
  };
  assert.deepEqual(validateSite(snapshot), []);
  const pick = (director: string) =>
    compileDesiredState(snapshot, director)!.vrrpInstances.find((i) => i.name === own.name)!;
  const theirs = pick(second!.director);
  assert.deepEqual(theirs.notify, { master: '/usr/local/bin/own.sh' });
  assert.deepEqual(theirs.trackedChecks, []);
  assert.equal(theirs.unicastSource, '192.0.2.250');
  const mine = pick(first!.director);
  assert.deepEqual(mine.notify, own.notify);
  assert.deepEqual(mine.trackedChecks, own.trackedChecks);
  assert.deepEqual(mine.unicastPeers, ['192.0.2.250'], "the peer's own source is where adverts go");
});
