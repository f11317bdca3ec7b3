/**
 * The authorisation matrix: every kind of caller (the four roles, no token, a garbage token, a
 * revoked token, an expired token) against every endpoint class, one test per (caller, endpoint).
 * A write that is allowed must take effect; a write that is refused (401/403) must change nothing.
 * Then the rules the matrix cannot express: secrets redaction, an agent only ever sees its own
 * director, revocation and expiry take effect at once, and the shape of 401 responses.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import {
  forEachDatabase,
  type TestControlPlane,
  type TestResponse,
} from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

type Role = 'admin' | 'operator' | 'viewer' | 'agent';
type Caller = Role | 'none' | 'garbage' | 'revoked' | 'expired';
const CALLERS: readonly Caller[] = [
  'admin',
  'operator',
  'viewer',
  'agent',
  'none',
  'garbage',
  'revoked',
  'expired',
];
const isRole = (caller: Caller): caller is Role =>
  ['admin', 'operator', 'viewer', 'agent'].includes(caller);

const S = `/v1/sites/${SITE}`;
const RS = `${S}/virtual-servers/web-http/real-servers`;
const READERS = { admin: 200, operator: 200, viewer: 200 } as const;

/** What one case knows: a name unique to it (for the objects it creates) and a unique number. */
interface CaseContext {
  name: string;
  n: number;
  /** Set by `prepare` when the path needs something only known at run time (a token id). */
  ref?: string;
}

interface Endpoint {
  /** Readable name of the endpoint class, used in the test name. */
  label: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (x: CaseContext) => string;
  body?: (x: CaseContext) => unknown;
  headers?: Record<string, string>;
  /** Success status per role allowed to call it; every other role gets 403. */
  allowed: Partial<Record<Role, number>>;
  /** Public endpoints (outside /v1) answer everyone, with or without credentials. */
  public?: true;
  /** Creates what the request acts on (as admin), before the request. */
  prepare?: (cp: TestControlPlane, x: CaseContext) => Promise<void>;
  /** Whether the write took effect (asserted equal to whether it was allowed). */
  effect?: (cp: TestControlPlane, x: CaseContext) => Promise<boolean>;
}

// ---- fixtures, created as admin -----------------------------------------------------------------

async function create(cp: TestControlPlane, path: string, body: unknown): Promise<TestResponse> {
  const res = await cp.request('POST', path, { body });
  assert.equal(res.status, 201, `fixture POST ${path}: ${res.text}`);
  return res;
}

const directorBody = (x: CaseContext) => ({
  name: x.name,
  address: `10.1.${Math.floor(x.n / 250)}.${(x.n % 250) + 1}`,
});
const vrrpBody = (x: CaseContext) => ({
  name: x.name,
  vrid: 100 + (x.n % 150),
  interface: 'eth1',
  vips: [{ address: `203.0.113.${(x.n % 250) + 1}`, prefixLength: 24 }],
  members: [{ director: 'lb1', priority: 100 }],
});
const vsBody = (x: CaseContext) => ({
  name: x.name,
  vrrpInstance: 'web',
  address: '192.0.2.100',
  port: 20000 + x.n,
  protocol: 'tcp',
});
const rsBody = (x: CaseContext) => ({
  name: x.name,
  address: `198.51.${100 + Math.floor(x.n / 250)}.${(x.n % 250) + 1}`,
  port: 8080,
  weight: 10,
});

/** GET as admin: the object, or undefined on 404. */
async function read(
  cp: TestControlPlane,
  path: string,
): Promise<Record<string, unknown> | undefined> {
  const res = await cp.request('GET', path);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, `GET ${path}: ${res.text}`);
  return res.body as Record<string, unknown>;
}
const exists = async (cp: TestControlPlane, path: string) => (await read(cp, path)) !== undefined;

/** The six CRUD endpoints of one kind of fleet object under `base`. */
function crud(
  kind: string,
  base: string,
  existing: string,
  body: (x: CaseContext) => unknown,
): Endpoint[] {
  const item = (x: CaseContext) => `${base}/${x.name}`;
  const prepare = async (cp: TestControlPlane, x: CaseContext) =>
    void (await create(cp, base, body(x)));
  return [
    { label: `${kind}: list`, method: 'GET', path: () => base, allowed: READERS },
    { label: `${kind}: read`, method: 'GET', path: () => `${base}/${existing}`, allowed: READERS },
    {
      label: `${kind}: create`,
      method: 'POST',
      path: () => base,
      body,
      allowed: { admin: 201 },
      effect: (cp, x) => exists(cp, item(x)),
    },
    {
      label: `${kind}: replace`,
      method: 'PUT',
      path: item,
      body: (x) => ({ ...(body(x) as object), description: 'put' }),
      allowed: { admin: 200 },
      prepare,
      effect: async (cp, x) => (await read(cp, item(x)))?.description === 'put',
    },
    {
      label: `${kind}: merge-patch`,
      method: 'PATCH',
      path: item,
      body: () => ({ description: 'patched' }),
      allowed: { admin: 200 },
      prepare,
      effect: async (cp, x) => (await read(cp, item(x)))?.description === 'patched',
    },
    {
      label: `${kind}: delete`,
      method: 'DELETE',
      path: item,
      allowed: { admin: 204 },
      prepare,
      effect: async (cp, x) => !(await exists(cp, item(x))),
    },
  ];
}

/** A real-server PATCH of `patch` on a fresh real server, effective when `changed` holds. */
function realServerPatch(
  label: string,
  patch: Record<string, unknown>,
  allowed: Partial<Record<Role, number>>,
  changed: (rs: Record<string, unknown>) => boolean,
  headers?: Record<string, string>,
): Endpoint {
  return {
    label: `real servers: patch ${label}`,
    method: 'PATCH',
    path: (x) => `${RS}/${x.name}`,
    body: () => patch,
    ...(headers ? { headers } : {}),
    allowed,
    prepare: async (cp, x) => void (await create(cp, RS, rsBody(x))),
    effect: async (cp, x) => changed((await read(cp, `${RS}/${x.name}`))!),
  };
}

const STATUS_REPORT = {
  appliedRevision: null,
  agent: { version: '0.1.0', startedAt: '2025-01-01T00:00:00.000Z', ipvsAvailable: true },
};

const ENDPOINTS: Endpoint[] = [
  // Sites: no PATCH; PUT replaces description and labels.
  { label: 'sites: list', method: 'GET', path: () => '/v1/sites', allowed: READERS },
  { label: 'sites: read', method: 'GET', path: () => S, allowed: READERS },
  {
    label: 'sites: create',
    method: 'POST',
    path: () => '/v1/sites',
    body: (x) => ({ name: x.name }),
    allowed: { admin: 201 },
    effect: (cp, x) => exists(cp, `/v1/sites/${x.name}`),
  },
  {
    label: 'sites: replace',
    method: 'PUT',
    path: (x) => `/v1/sites/${x.name}`,
    body: () => ({ description: 'put', labels: { region: 'eu' } }),
    allowed: { admin: 200 },
    prepare: async (cp, x) => void (await create(cp, '/v1/sites', { name: x.name })),
    effect: async (cp, x) => (await read(cp, `/v1/sites/${x.name}`))?.description === 'put',
  },
  {
    label: 'sites: delete',
    method: 'DELETE',
    path: (x) => `/v1/sites/${x.name}`,
    allowed: { admin: 204 },
    prepare: async (cp, x) => void (await create(cp, '/v1/sites', { name: x.name })),
    effect: async (cp, x) => !(await exists(cp, `/v1/sites/${x.name}`)),
  },
  ...crud('directors', `${S}/directors`, 'lb1', directorBody),
  ...crud('vrrp instances', `${S}/vrrp-instances`, 'web', vrrpBody),
  ...crud('virtual servers', `${S}/virtual-servers`, 'web-http', vsBody),
  ...crud('real servers', RS, 'web1', rsBody),
  // What an operator may and may not change on a real server.
  realServerPatch(
    '{weight}',
    { weight: 7 },
    { admin: 200, operator: 200 },
    (rs) => rs.weight === 7,
  ),
  realServerPatch(
    '{adminState}',
    { adminState: 'draining' },
    { admin: 200, operator: 200 },
    (rs) => rs.adminState === 'draining',
  ),
  realServerPatch(
    '{weight} as merge-patch+json',
    { weight: 3 },
    { admin: 200, operator: 200 },
    (rs) => rs.weight === 3,
    {
      'content-type': 'application/merge-patch+json',
    },
  ),
  realServerPatch(
    '{address}',
    { address: '198.51.99.1' },
    { admin: 200 },
    (rs) => rs.address === '198.51.99.1',
  ),
  realServerPatch(
    '{weight, port}',
    { weight: 5, port: 9090 },
    { admin: 200 },
    (rs) => rs.weight === 5 || rs.port === 9090,
  ),
  realServerPatch(
    '{labels}',
    { labels: { app: 'other' } },
    { admin: 200 },
    (rs) => (rs.labels as Record<string, string>).app === 'other',
  ),
  // Tokens: admin only, including listing.
  {
    label: 'tokens: create',
    method: 'POST',
    path: () => '/v1/tokens',
    body: (x) => ({ name: x.name, role: 'viewer' }),
    allowed: { admin: 201 },
    effect: async (cp, x) =>
      (await cp.request('GET', '/v1/tokens')).body.items.some(
        (t: { name: string }) => t.name === x.name,
      ),
  },
  { label: 'tokens: list', method: 'GET', path: () => '/v1/tokens', allowed: { admin: 200 } },
  {
    label: 'tokens: revoke',
    method: 'DELETE',
    path: (x) => `/v1/tokens/${x.ref}`,
    allowed: { admin: 204 },
    prepare: async (cp, x) => {
      const res = await create(cp, '/v1/tokens', { name: x.name, role: 'viewer' });
      x.ref = res.body.id as string;
    },
    effect: async (cp, x) =>
      !(await cp.request('GET', '/v1/tokens')).body.items.some(
        (t: { id: string }) => t.id === x.ref,
      ),
  },
  // Audit: the read roles.
  { label: 'audit: list', method: 'GET', path: () => '/v1/audit', allowed: READERS },
  {
    label: 'audit: list of a site',
    method: 'GET',
    path: () => `/v1/audit?site=${SITE}`,
    allowed: READERS,
  },
  // The agent protocol: agents only.
  {
    label: 'agent: config',
    method: 'GET',
    path: () => '/v1/agent/config',
    allowed: { agent: 200 },
  },
  {
    label: 'agent: status',
    method: 'POST',
    path: () => '/v1/agent/status',
    body: () => STATUS_REPORT,
    allowed: { agent: 204 },
  },
  // Outside /v1: no authentication at all.
  { label: 'public: healthz', method: 'GET', path: () => '/healthz', allowed: {}, public: true },
  { label: 'public: readyz', method: 'GET', path: () => '/readyz', allowed: {}, public: true },
  {
    label: 'public: openapi.json',
    method: 'GET',
    path: () => '/openapi.json',
    allowed: {},
    public: true,
  },
];

function expectedStatus(endpoint: Endpoint, caller: Caller): number {
  if (endpoint.public) return 200;
  if (!isRole(caller)) return 401;
  return endpoint.allowed[caller] ?? 403;
}

/** Asserts an RFC 9457 problem response of `status` (and slug). */
function assertProblem(res: TestResponse, status: number, slug?: string): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.title, 'string');
  if (slug) assert.equal(res.body.type, `urn:fleetlb:problem:${slug}`);
  else assert.match(res.body.type, /^urn:fleetlb:problem:/);
}

const siteRevision = async (cp: TestControlPlane) =>
  (await cp.request('GET', S)).body.revision as number;

/** Runs `fn` with the control plane's clock at `at`. */
async function at<T>(cp: TestControlPlane, when: Date, fn: () => Promise<T>): Promise<T> {
  const deps = cp.controlPlane.deps;
  const clock = deps.clock;
  deps.clock = { now: () => new Date(when) };
  try {
    return await fn();
  } finally {
    deps.clock = clock;
  }
}

forEachDatabase('auth', (get) => {
  const tokens = new Map<Caller, string | null>();
  let lb2Agent = '';
  let counter = 0;
  const next = () => ++counter;

  before(async () => {
    const cp = get();
    await seedSite(cp);
    const vault = await cp.request('POST', `${S}/vrrp-instances`, {
      body: {
        name: 'vault',
        vrid: 52,
        version: 2,
        advertIntervalCs: 100,
        authPassword: 'secret12',
        interface: 'eth0',
        vips: [{ address: '192.0.2.101', prefixLength: 24 }],
        members: [
          { director: 'lb1', priority: 150 },
          { director: 'lb2', priority: 100 },
        ],
      },
    });
    assert.equal(vault.status, 201, vault.text);
    tokens.set('admin', cp.adminToken);
    tokens.set('operator', await cp.token('operator'));
    tokens.set('viewer', await cp.token('viewer'));
    tokens.set('agent', await cp.token('agent', SITE, 'lb1'));
    lb2Agent = await cp.token('agent', SITE, 'lb2');
    tokens.set('none', null);
    tokens.set('garbage', `flb_${randomBytes(32).toString('base64url')}`);
    // Revoked after one use, so a cache that missed the revocation would still accept it.
    const revoked = await cp.request('POST', '/v1/tokens', {
      body: { name: 'revoked', role: 'admin' },
    });
    assert.equal((await cp.request('GET', '/v1/sites', { token: revoked.body.token })).status, 200);
    assert.equal((await cp.request('DELETE', `/v1/tokens/${revoked.body.id}`)).status, 204);
    tokens.set('revoked', revoked.body.token as string);
    // Expired: created an hour ago with the shortest lifetime (60 s), through the API.
    const expired = await at(cp, new Date(Date.now() - 3600_000), () =>
      cp.request('POST', '/v1/tokens', {
        body: { name: 'expired', role: 'admin', expiresInS: 60 },
      }),
    );
    assert.equal(expired.status, 201, expired.text);
    tokens.set('expired', expired.body.token as string);
  });

  describe('matrix', () => {
    for (const endpoint of ENDPOINTS) {
      for (const caller of CALLERS) {
        const status = expectedStatus(endpoint, caller);
        test(`${caller} ${endpoint.method} ${endpoint.label} → ${status}`, async () => {
          const cp = get();
          const n = next();
          const x: CaseContext = { name: `c${n}-${caller}`, n };
          await endpoint.prepare?.(cp, x);
          const revisionBefore = await siteRevision(cp);
          const headers = { ...endpoint.headers };
          const res = await cp.request(endpoint.method, endpoint.path(x), {
            token: tokens.get(caller) ?? null,
            ...(endpoint.body ? { body: endpoint.body(x) } : {}),
            headers,
          });
          if (status >= 400) {
            assertProblem(res, status, status === 401 ? 'unauthorized' : 'forbidden');
            if (endpoint.method !== 'GET')
              assert.equal(
                await siteRevision(cp),
                revisionBefore,
                'a refused write changed the site',
              );
          } else {
            assert.equal(res.status, status, res.text);
          }
          if (endpoint.effect)
            assert.equal(
              await endpoint.effect(cp, x),
              status < 400,
              status < 400 ? 'the write did not take effect' : 'a refused write took effect',
            );
        });
      }
    }
  });

  describe('401 responses', () => {
    const bad: [string, () => Record<string, string>][] = [
      ['no Authorization header', () => ({})],
      ['a garbage token', () => ({ authorization: `Bearer ${tokens.get('garbage')}` })],
      ['a revoked token', () => ({ authorization: `Bearer ${tokens.get('revoked')}` })],
      ['an expired token', () => ({ authorization: `Bearer ${tokens.get('expired')}` })],
      [
        'Basic credentials',
        () => ({ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }),
      ],
      ['"Bearer" without a token', () => ({ authorization: 'Bearer' })],
      ['a token with spaces', () => ({ authorization: `Bearer ${tokens.get('admin')} extra` })],
    ];
    for (const [what, headers] of bad) {
      test(`${what}: 401 problem with WWW-Authenticate: Bearer`, async () => {
        const res = await get().request('GET', '/v1/sites', { token: null, headers: headers() });
        assertProblem(res, 401, 'unauthorized');
        assert.match(
          res.headers.get('www-authenticate') ?? '',
          /^Bearer\b/,
          'RFC 6750 §3: a 401 must carry WWW-Authenticate',
        );
      });
    }

    test('authentication comes before routing: an unknown /v1 path without a token is 401, not 404', async () => {
      assertProblem(
        await get().request('GET', '/v1/no-such-thing', { token: null }),
        401,
        'unauthorized',
      );
    });

    test('the auth scheme is case-insensitive (RFC 9110 §11.1)', async () => {
      const res = await get().request('GET', '/v1/sites', {
        token: null,
        headers: { authorization: `bearer ${tokens.get('admin')}` },
      });
      assert.equal(res.status, 200, res.text);
    });
  });

  describe('secrets', () => {
    for (const [role, expected] of [
      ['admin', 'secret12'],
      ['operator', '********'],
      ['viewer', '********'],
    ] as const) {
      test(`${role} reads the VRRP auth password as ${expected} (one and list)`, async () => {
        const cp = get();
        const token = tokens.get(role)!;
        const one = await cp.request('GET', `${S}/vrrp-instances/vault`, { token });
        assert.equal(one.status, 200, one.text);
        assert.equal(one.body.authPassword, expected);
        const list = await cp.request('GET', `${S}/vrrp-instances`, { token });
        assert.equal(list.status, 200, list.text);
        assert.equal(
          list.body.items.find((i: { name: string }) => i.name === 'vault').authPassword,
          expected,
        );
        if (role !== 'admin')
          assert.ok(!one.text.includes('secret12') && !list.text.includes('secret12'));
      });
    }

    for (const role of ['operator', 'viewer'] as const) {
      test(`${role} never sees the password in the audit log`, async () => {
        const res = await get().request('GET', `/v1/audit?site=${SITE}&limit=1000`, {
          token: tokens.get(role)!,
        });
        assert.equal(res.status, 200, res.text);
        assert.ok(
          res.body.items.some((e: { resourceType: string }) => e.resourceType === 'vrrp-instance'),
        );
        assert.ok(!res.text.includes('secret12'), 'the audit log leaks the VRRP password');
      });
    }

    for (const [director, token] of [
      ['lb1', () => tokens.get('agent')!],
      ['lb2', () => lb2Agent],
    ] as const) {
      test(`the agent document of ${director} carries the real password`, async () => {
        const res = await get().request('GET', '/v1/agent/config', { token: token() });
        assert.equal(res.status, 200, res.text);
        const vault = res.body.vrrpInstances.find((i: { name: string }) => i.name === 'vault');
        assert.equal(vault.authPassword, 'secret12');
        assert.equal(vault.version, 2);
      });
    }

    test('the token list never carries token values or hashes', async () => {
      const cp = get();
      const res = await cp.request('GET', '/v1/tokens?includeRevoked=true');
      assert.equal(res.status, 200, res.text);
      for (const item of res.body.items) {
        assert.equal(item.token, undefined);
        assert.equal(item.tokenHash, undefined);
      }
      for (const value of tokens.values()) if (value) assert.ok(!res.text.includes(value));
    });
  });

  describe('agents see only their own director', () => {
    test('an lb1 token gets lb1, whatever it asks for', async () => {
      const cp = get();
      const token = tokens.get('agent')!;
      for (const [path, headers] of [
        ['/v1/agent/config', {}],
        ['/v1/agent/config?director=lb2&site=other', {}],
        ['/v1/agent/config', { 'x-director': 'lb2', 'x-fleetlb-director': 'lb2' }],
      ] as const) {
        const res = await cp.request('GET', path, { token, headers });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.site, SITE);
        assert.deepEqual(res.body.director, { name: 'lb1', address: '192.0.2.1' });
        assert.equal(
          res.body.vrrpInstances.find((i: { name: string }) => i.name === 'web').priority,
          150,
        );
      }
    });

    test("an lb2 token gets lb2's document", async () => {
      const res = await get().request('GET', '/v1/agent/config', { token: lb2Agent });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.director, { name: 'lb2', address: '192.0.2.2' });
      assert.equal(
        res.body.vrrpInstances.find((i: { name: string }) => i.name === 'web').priority,
        100,
      );
    });

    test('an agent cannot read another director through the CRUD API', async () => {
      const res = await get().request('GET', `${S}/directors/lb2`, { token: tokens.get('agent')! });
      assertProblem(res, 403, 'forbidden');
    });

    test('an agent token of a deleted site is refused at once', async () => {
      const cp = get();
      await create(cp, '/v1/sites', { name: 'gone1' });
      await create(cp, '/v1/sites/gone1/directors', { name: 'lb1', address: '192.0.2.1' });
      const token = await cp.token('agent', 'gone1', 'lb1');
      assert.equal((await cp.request('GET', '/v1/agent/config', { token })).status, 200);
      assert.equal((await cp.request('DELETE', '/v1/sites/gone1?cascade=true')).status, 204);
      assertProblem(await cp.request('GET', '/v1/agent/config', { token }), 401, 'unauthorized');
    });

    for (const [what, method, body] of [
      ['pull its config', 'GET', undefined],
      ['push its status', 'POST', STATUS_REPORT],
    ] as const) {
      test(`an agent token of a deleted director cannot ${what}: 401 at once`, async () => {
        const cp = get();
        const name = `gone-${method.toLowerCase()}`;
        await create(cp, `${S}/directors`, { name, address: `10.9.0.${method === 'GET' ? 1 : 2}` });
        const token = await cp.token('agent', SITE, name);
        assert.equal((await cp.request('GET', '/v1/agent/config', { token })).status, 200); // now cached
        assert.equal((await cp.request('DELETE', `${S}/directors/${name}`)).status, 204);
        const path = method === 'GET' ? '/v1/agent/config' : '/v1/agent/status';
        const res = await cp.request(method, path, { token, ...(body ? { body } : {}) });
        assertProblem(res, 401, 'unauthorized');
      });
    }
  });

  describe('revocation and expiry', () => {
    for (const role of ['admin', 'operator', 'viewer', 'agent'] as const) {
      test(`revoking a token of role ${role} takes effect on the very next request (5 rounds)`, async () => {
        const cp = get();
        const path = role === 'agent' ? '/v1/agent/config' : '/v1/sites';
        for (let round = 0; round < 5; round++) {
          const created = await cp.request('POST', '/v1/tokens', {
            body: {
              name: `revoke-${role}-${round}`,
              role,
              ...(role === 'agent' ? { site: SITE, director: 'lb2' } : {}),
            },
          });
          assert.equal(created.status, 201, created.text);
          const token = created.body.token as string;
          assert.equal((await cp.request('GET', path, { token })).status, 200); // cached now
          assert.equal((await cp.request('DELETE', `/v1/tokens/${created.body.id}`)).status, 204);
          assertProblem(await cp.request('GET', path, { token }), 401, 'unauthorized');
        }
      });
    }

    test('a token cannot be revoked twice (404), and a revoked admin token cannot act', async () => {
      const cp = get();
      const created = await cp.request('POST', '/v1/tokens', {
        body: { name: 'twice', role: 'admin' },
      });
      assert.equal((await cp.request('DELETE', `/v1/tokens/${created.body.id}`)).status, 204);
      assertProblem(await cp.request('DELETE', `/v1/tokens/${created.body.id}`), 404, 'not-found');
      assertProblem(
        await cp.request('POST', '/v1/tokens', {
          token: created.body.token,
          body: { name: 'x', role: 'admin' },
        }),
        401,
        'unauthorized',
      );
    });

    test('a token is accepted until it expires and refused from then on', async () => {
      const cp = get();
      const t0 = new Date(Date.now() + 86400_000); // a day ahead: nothing else is cached for then
      const created = await at(cp, t0, () =>
        cp.request('POST', '/v1/tokens', {
          body: { name: 'expiring', role: 'viewer', expiresInS: 60 },
        }),
      );
      assert.equal(created.status, 201, created.text);
      const token = created.body.token as string;
      const statusAt = (seconds: number) =>
        at(
          cp,
          new Date(t0.getTime() + seconds * 1000),
          async () => (await cp.request('GET', '/v1/sites', { token })).status,
        );
      assert.equal(await statusAt(0), 200);
      assert.equal(await statusAt(59), 200);
      assert.equal(
        await statusAt(61),
        401,
        'an expired token was accepted (it was still in the token cache)',
      );
    });
  });
});
