/**
 * Property-based fuzzing of the whole HTTP API with fast-check: random and mutated JSON bodies,
 * random path segments and query strings on every route, malformed JSON, wrong content types,
 * deep nesting and oversized bodies. Whatever comes in, the API must answer without a 5xx, every
 * error must be an RFC 9457 problem (`application/problem+json` with `type`, `title` and `status`
 * equal to the HTTP status), and no body may carry a stack trace or internal detail.
 * Runs per property: FLEETLB_FUZZ_RUNS (default 100); a failure prints fast-check's seed and path
 * (replay with `fc.assert(..., { seed, path })`).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { DesiredState, validateDesiredState } from '../../contract/index.js';
import { DEFAULT_OPTIONS } from '../../control-plane/http/context.js';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

const RUNS = Number(process.env.FLEETLB_FUZZ_RUNS ?? 100);
const BODY_LIMIT = DEFAULT_OPTIONS.bodyLimitBytes;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Caller = 'admin' | 'operator' | 'viewer' | 'agent' | 'none';

// ---- sending raw requests and checking every answer ------------------------------------------------

interface Raw {
  method: string;
  path: string;
  caller?: Caller;
  /** Text or bytes sent as is; absent for no body. */
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  /** The Content-Type header; null sends none (a string body would otherwise get text/plain). */
  contentType?: string | null;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

/** Text that must never reach a client: stack frames, file paths, driver and engine errors. */
const LEAK =
  /\n\s+at\s|\bat (?:async )?[\w$.<>[\]]+ \((?:file:|node:|\/)|node:internal|node_modules|\/work\/|\.ts:\d+:\d+|DrizzleQueryError|Failed query|Maximum call stack|invalid byte sequence|unsupported Unicode escape|\b(?:TypeError|RangeError|ReferenceError|SyntaxError):/;

const short = (text: string, max = 300) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

class Client {
  readonly tokens = new Map<Caller, string>();
  constructor(readonly cp: TestControlPlane) {}

  async send(raw: Raw): Promise<Answer> {
    const headers = new Headers(raw.headers);
    const token = this.tokens.get(raw.caller ?? 'admin');
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (raw.contentType !== undefined && raw.contentType !== null)
      headers.set('content-type', raw.contentType);
    const init: RequestInit & { duplex?: 'half' } = { method: raw.method, headers };
    if (raw.body !== undefined) {
      init.body = raw.body;
      if (raw.body instanceof ReadableStream) init.duplex = 'half';
    }
    const request = new Request(`http://localhost${raw.path}`, init);
    if (raw.contentType === null) request.headers.delete('content-type');
    const response = await this.cp.controlPlane.app.request(request);
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let body: unknown;
    if (/json/.test(contentType) && text) body = JSON.parse(text);
    return { status: response.status, contentType, text, body };
  }

  /** Sends and checks the invariants every response must satisfy; returns the answer. */
  async check(raw: Raw): Promise<Answer> {
    const answer = await this.send(raw);
    const what =
      `${raw.method} ${short(raw.path, 200)} as ${raw.caller ?? 'admin'}` +
      (typeof raw.body === 'string'
        ? ` with ${raw.contentType ?? 'no content type'} body ${short(JSON.stringify(raw.body), 300)}`
        : '');
    assert.ok(answer.status < 500, `${what}\n→ ${answer.status} ${short(answer.text)}`);
    if (answer.status >= 400 && raw.method !== 'HEAD') {
      assert.match(
        answer.contentType,
        /^application\/problem\+json\b/,
        `${what}\n→ ${answer.status} as ${answer.contentType}: ${short(answer.text)}`,
      );
      const problem = answer.body as Record<string, unknown>;
      assert.equal(typeof problem.type, 'string', `${what}: problem without type`);
      assert.ok((problem.type as string).length > 0, `${what}: empty problem type`);
      assert.equal(typeof problem.title, 'string', `${what}: problem without title`);
      assert.equal(
        problem.status,
        answer.status,
        `${what}: problem status ${String(problem.status)} ≠ HTTP ${answer.status}`,
      );
    }
    assert.ok(
      !LEAK.test(answer.text),
      `${what}\n→ ${answer.status} leaks internals: ${short(answer.text, 600)}`,
    );
    return answer;
  }
}

// ---- routes ----------------------------------------------------------------------------------------

interface Route {
  method: Method;
  template: string;
  caller: Caller;
}

const KINDS = [
  { plural: 'directors', existing: 'lb1' },
  { plural: 'vrrp-instances', existing: 'web' },
  { plural: 'virtual-servers', existing: 'web-http' },
  { plural: 'real-servers', existing: 'web1' },
] as const;
type Plural = (typeof KINDS)[number]['plural'];

const collectionOf = (plural: Plural) =>
  plural === 'real-servers'
    ? '/v1/sites/{site}/virtual-servers/{virtualServer}/real-servers'
    : `/v1/sites/{site}/${plural}`;

const ROUTES: Route[] = [
  { method: 'GET', template: '/v1/sites', caller: 'admin' },
  { method: 'POST', template: '/v1/sites', caller: 'admin' },
  { method: 'GET', template: '/v1/sites/{site}', caller: 'admin' },
  { method: 'PUT', template: '/v1/sites/{site}', caller: 'admin' },
  { method: 'DELETE', template: '/v1/sites/{site}', caller: 'admin' },
  ...KINDS.flatMap(({ plural }): Route[] => [
    { method: 'GET', template: collectionOf(plural), caller: 'admin' },
    { method: 'POST', template: collectionOf(plural), caller: 'admin' },
    { method: 'GET', template: `${collectionOf(plural)}/{name}`, caller: 'admin' },
    { method: 'PUT', template: `${collectionOf(plural)}/{name}`, caller: 'admin' },
    { method: 'PATCH', template: `${collectionOf(plural)}/{name}`, caller: 'admin' },
    { method: 'DELETE', template: `${collectionOf(plural)}/{name}`, caller: 'admin' },
  ]),
  { method: 'GET', template: '/v1/agent/config', caller: 'agent' },
  { method: 'POST', template: '/v1/agent/status', caller: 'agent' },
  { method: 'POST', template: '/v1/tokens', caller: 'admin' },
  { method: 'GET', template: '/v1/tokens', caller: 'admin' },
  { method: 'DELETE', template: '/v1/tokens/{id}', caller: 'admin' },
  { method: 'GET', template: '/v1/audit', caller: 'admin' },
  { method: 'GET', template: '/v1/prometheus/targets', caller: 'admin' },
  { method: 'GET', template: '/healthz', caller: 'none' },
  { method: 'GET', template: '/readyz', caller: 'none' },
  { method: 'GET', template: '/openapi.json', caller: 'none' },
  { method: 'GET', template: '/docs', caller: 'none' },
  { method: 'GET', template: '/docs/{asset}', caller: 'none' },
];

const paramsOf = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => values[key] ?? `{${key}}`);
}

// ---- valid bodies to mutate --------------------------------------------------------------------------

const octet = (n: number) => (n % 250) + 2;
const ISO = '2025-01-02T03:04:05.000Z';

/** A valid body for a write route, unique by `n` where names or addresses must be. */
function validBody(route: Route, n: number): Record<string, Json> {
  const plural = KINDS.find(
    (k) =>
      route.template.endsWith(`/${k.plural}`) || route.template.endsWith(`/${k.plural}/{name}`),
  )?.plural;
  const named = route.method === 'POST' ? `fz-${n}` : `fz-${route.method.toLowerCase()}`;
  const common = { description: 'fuzz', labels: { app: 'fuzz', tier: 'edge' } };
  if (route.template === '/v1/sites') return { name: named, ...common };
  if (route.template === '/v1/sites/{site}') return { ...common, labels: { region: 'eu' } };
  if (route.template === '/v1/tokens') {
    return n % 2
      ? { name: `fuzz ${n}`, role: 'viewer', expiresInS: 3600 }
      : { name: `fuzz ${n}`, role: 'agent', site: SITE, director: 'lb2' };
  }
  if (route.template === '/v1/agent/status') {
    return {
      appliedRevision: 3,
      rejected: { revision: 2, reasons: [{ path: 'virtualServers[0]', message: 'fuzz' }] },
      agent: { version: '0.1.0', startedAt: ISO, ipvsAvailable: true },
      vrrp: [
        {
          instance: 'web',
          vrid: 51,
          state: 'master',
          priority: 150,
          since: ISO,
          vipsOwned: ['192.0.2.100'],
        },
      ],
      transitions: [
        { instance: 'web', from: 'backup', to: 'master', at: ISO, reason: 'master-down-timer' },
      ],
      realServers: [
        {
          virtualServer: 'web-http',
          realServer: 'web1',
          health: 'up',
          weight: 10,
          activeConnections: 1,
          inactiveConnections: 2,
        },
      ],
      errors: [{ stage: 'apply', message: 'fuzz' }],
    };
  }
  switch (plural) {
    case 'directors':
      return {
        name: named,
        ...common,
        address: `10.2.${Math.floor(n / 250) % 250}.${octet(n)}`,
        metricsAddress: `10.2.0.${octet(n)}:9500`,
      };
    case 'vrrp-instances':
      return {
        name: named,
        ...common,
        vrid: 100 + (n % 150),
        version: 3,
        interface: 'eth2',
        advertIntervalCs: 100,
        vips: [
          {
            address: `203.0.${113 + (Math.floor(n / 250) % 10)}.${octet(n)}`,
            prefixLength: 24,
            label: 'eth2:fz',
          },
        ],
        members: [
          { director: 'lb1', priority: 150 },
          { director: 'lb2', priority: 100, interface: 'eth3' },
        ],
        trackedChecks: [{ type: 'interface', name: 'uplink', interface: 'eth9', weight: -10 }],
        garp: { masterDelayS: 5, masterRepeat: 5, masterRefreshS: 0, intervalMs: 0 },
        notify: { master: '/usr/local/bin/notify-master' },
      };
    case 'virtual-servers':
      return {
        name: named,
        ...common,
        vrrpInstance: 'web',
        address: '192.0.2.100',
        port: 30000 + (n % 30000),
        protocol: 'tcp',
        scheduler: 'wrr',
        persistence: { timeoutS: 300 },
        quorum: 1,
        sorryServer: { address: '198.51.100.99', port: 80 },
      };
    case 'real-servers':
      return {
        name: named,
        ...common,
        address: `198.51.${101 + (Math.floor(n / 250) % 10)}.${octet(n)}`,
        port: 8080,
        weight: 5,
        adminState: 'enabled',
        checks: [{ type: 'http', path: '/health', expectStatus: [200, 204] }],
      };
    default:
      throw new Error(`no valid body for ${route.method} ${route.template}`);
  }
}

/** Path parameters that name existing things (for PUT/PATCH: the fuzz's own objects). */
function defaultParams(route: Route, tokenId: string): Record<string, string> {
  const kind = KINDS.find((k) => route.template.endsWith(`${k.plural}/{name}`));
  const name =
    route.method === 'PUT' || route.method === 'PATCH'
      ? `fz-${route.method.toLowerCase()}`
      : (kind?.existing ?? '');
  return { site: SITE, virtualServer: 'web-http', name, id: tokenId, asset: 'swagger-ui.css' };
}

// ---- mutation ----------------------------------------------------------------------------------------

type Path = (string | number)[];

/** Every path into `value` (not the root), depth first. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value))
    return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      [...prefix, k],
      ...pathsOf(v, [...prefix, k]),
    ]);
  }
  return [];
}

const clone = (value: Json): Json => structuredClone(value);

function parentOf(
  root: Json,
  path: Path,
): { parent: Json[] | Record<string, Json>; key: string | number } {
  let node = root as Json[] | Record<string, Json>;
  for (const part of path.slice(0, -1))
    node = (node as Record<string, Json>)[part as string] as Json[] | Record<string, Json>;
  return { parent: node, key: path[path.length - 1]! };
}

interface Mutation {
  op: 'replace' | 'delete' | 'add';
  index: number;
  key: string;
  value: Json;
}

function mutate(base: Json, m: Mutation): Json {
  const body = clone(base);
  const all = pathsOf(body);
  if (all.length === 0) return m.value;
  const path = all[m.index % all.length]!;
  const { parent, key } = parentOf(body, path);
  if (m.op === 'replace') put(parent, key, m.value);
  else if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else {
    const target = (parent as Record<string | number, Json>)[key];
    if (Array.isArray(target)) target.push(m.value);
    else if (target !== null && typeof target === 'object') put(target, m.key, m.value);
    else if (Array.isArray(parent)) parent.push(m.value);
    else put(parent, m.key, m.value);
  }
  return body;
}

/** Sets an own property, even one named `__proto__` (as JSON.parse would). */
function put(target: Json[] | Record<string, Json>, key: string | number, value: Json): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Values that sit on the edges of what the schemas accept. */
// prettier-ignore
const EDGE_VALUES: Json[] = [
  '', ' ', '0', '-1', 'null', 'true', '[]', '{}', 'a'.repeat(5000), '*', '%', '../..', 'lb1', 'lb2', 'web', 'web-http', 'ams1',
  '0.0.0.0', '255.255.255.255', '::', '::1', '::ffff:192.0.2.1', 'fe80::1%eth0', '192.0.2.1/24', '01.02.03.04', '1.2.3', '192.0.2.256',
  'ETH0', 'eth0:1', 'a b', '/', '/bin/sh', 'tcp', 'udp', 'sctp', 'wrr', 'mh', 'dr', 'tun', 'nat', 'draining', 'disabled', 'admin', 'agent',
  -1, 0, 1, 2, 3, 51, 100, 254, 255, 256, 4095, 4096, 25500, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -(2 ** 53),
  0.5, -0.5, 1e308, -1e308, 5e-324, true, false, null, [], {}, [null], [{}], { '': '' },
  JSON.parse('{"__proto__":{"weight":1,"address":"192.0.2.9"}}') as Json,
  JSON.parse('{"constructor":{"prototype":{"admin":true}}}') as Json,
];

const asciiJson = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const valueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_VALUES) },
  { weight: 3, arbitrary: asciiJson },
);

const mutationArb = (values: fc.Arbitrary<Json>): fc.Arbitrary<Mutation> =>
  fc.record({
    op: fc.constantFrom('replace', 'replace', 'delete', 'add'),
    index: fc.nat(),
    key: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        'name',
        'weight',
        'address',
        '__proto__',
        'constructor',
        'site',
        'director',
        'authPassword',
      ),
    ),
    value: values,
  });

/** Strings a JSON parser accepts but text and jsonb columns may not: NUL, lone surrogates, controls. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom(
    '\u0000',
    'eth\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\ufffe',
    '\u2028',
    '\u001b[31m',
    'é',
    '🙂',
    '\u0085',
  ),
);

/** Replaces one string in `base` (chosen by `index`) with `text`. */
function replaceString(base: Json, index: number, text: string): Json {
  const body = clone(base);
  const strings = pathsOf(body).filter((p) => {
    const { parent, key } = parentOf(body, p);
    return typeof (parent as Record<string | number, Json>)[key] === 'string';
  });
  if (strings.length === 0) return body;
  const { parent, key } = parentOf(body, strings[index % strings.length]!);
  put(parent, key, text);
  return body;
}

// ---- query strings -----------------------------------------------------------------------------------

const QUERY_KEYS = [
  'limit',
  'cursor',
  'selector',
  'wait',
  'cascade',
  'includeRevoked',
  'site',
  'resourceType',
  'before',
  'director',
];

const queryValue = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0',
      '-1',
      '1',
      '1000',
      '1001',
      '1e3',
      '0x10',
      '1.5',
      'NaN',
      'Infinity',
      '',
      'true',
      'false',
      '9007199254740993',
      '99999999999999999999',
    ),
  },
  // Cursors are base64url: these decode to arbitrary bytes, NUL and invalid UTF-8 included.
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })), { maxLength: 24 })
      .map((bytes) => Buffer.from(bytes).toString('base64url')),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\u0000',
      'a\u0000b',
      'AA',
      'AAAA',
      '_w',
      '__8',
      '7f8',
      'wA',
      '\u0085',
      '🙂',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'app=web',
      'app!=web,version in (v1,v2)',
      'app in (',
      '!app',
      'a'.repeat(2000),
      'app=web,,',
      'x notin ()',
    ),
  },
);

/** The query parameters a route reads (the others are ignored, and fuzzed less). */
function queryKeysOf(route: Route): string[] {
  if (route.template === '/v1/audit') return ['site', 'resourceType', 'limit', 'before'];
  if (route.template === '/v1/agent/config') return ['wait'];
  if (route.template === '/v1/tokens') return ['includeRevoked'];
  if (route.method === 'DELETE' && route.template === '/v1/sites/{site}') return ['cascade'];
  if (
    route.method === 'GET' &&
    !route.template.endsWith('}') &&
    route.template.startsWith('/v1/sites')
  )
    return ['limit', 'cursor', 'selector'];
  return QUERY_KEYS;
}

const queryArb = (route: Route) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...queryKeysOf(route)) },
          {
            weight: 1,
            arbitrary: fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })),
          },
        ),
        queryValue,
      ),
      { maxLength: 5 },
    )
    .map((pairs) =>
      pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
    );

/** Raw query text, not percent-encoded: stray %, #, &, = and friends. */
const rawQueryArb = fc.string({ maxLength: 40 }).map((s) => s.replace(/#/g, '%23'));

// ---- the suite ---------------------------------------------------------------------------------------

const WRITE_ROUTES = ROUTES.filter(
  (r) => r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH',
);
// The documentation routes ignore queries and are slow to render: left to the path fuzz.
const GET_ROUTES = ROUTES.filter(
  (r) => r.method === 'GET' && !r.template.startsWith('/docs') && r.template !== '/openapi.json',
);

forEachDatabase('fuzz', (get) => {
  let client: Client;
  let tokenId = '';
  let counter = 0;
  const next = () => ++counter;

  /** Where a write route's requests go, and the body a mutation starts from. */
  const target = (route: Route) => fill(route.template, defaultParams(route, tokenId));

  before(async () => {
    const cp = get();
    await seedSite(cp);
    client = new Client(cp);
    client.tokens.set('admin', cp.adminToken);
    client.tokens.set('operator', await cp.token('operator'));
    client.tokens.set('viewer', await cp.token('viewer'));
    client.tokens.set('agent', await cp.token('agent', SITE, 'lb1'));
    const victim = await cp.request('POST', '/v1/tokens', {
      body: { name: 'fuzz-victim', role: 'viewer' },
    });
    tokenId = victim.body.id as string;
    // The objects PUT and PATCH fuzz, so that the seeded site keeps its shape.
    for (const route of ROUTES.filter((r) => r.method === 'PUT' && r.template.endsWith('{name}'))) {
      for (const [method, n] of [
        ['PUT', 249],
        ['PATCH', 248],
      ] as const) {
        const body = validBody({ ...route, method }, n);
        const res = await cp.request(
          'PUT',
          fill(route.template, defaultParams({ ...route, method }, tokenId)),
          { body },
        );
        assert.equal(res.status, 201, `setup PUT ${route.template} (${method}): ${res.text}`);
      }
    }
  });

  test('every base body the mutations start from is valid', async () => {
    for (const route of WRITE_ROUTES) {
      if (route.method === 'PATCH') continue;
      const answer = await client.check({
        method: route.method,
        path: target(route),
        caller: route.caller,
        body: JSON.stringify(validBody(route, next())),
        contentType: 'application/json',
      });
      assert.ok(
        answer.status < 300,
        `${route.method} ${route.template}: ${answer.status} ${short(answer.text)}`,
      );
    }
  });

  for (const route of WRITE_ROUTES) {
    test(`random and mutated JSON bodies: ${route.method} ${route.template}`, async () => {
      type Generated = { raw: Json } | { mutation: Mutation };
      const raw = (arb: fc.Arbitrary<Json>): fc.Arbitrary<Generated> =>
        arb.map((json) => ({ raw: json }));
      const body: fc.Arbitrary<Generated> = fc.oneof(
        { weight: 1, arbitrary: raw(fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>) },
        {
          weight: 1,
          arbitrary: raw(
            fc.object({ maxDepth: 2 }).map((o) => JSON.parse(JSON.stringify(o)) as Json),
          ),
        },
        { weight: 4, arbitrary: mutationArb(valueArb).map((m) => ({ mutation: m })) },
        {
          weight: 1,
          arbitrary: raw(
            fc
              .tuple(
                fc.constantFrom(
                  'name',
                  'weight',
                  'adminState',
                  'address',
                  'labels',
                  'description',
                  'vips',
                  'members',
                  'port',
                ),
                valueArb,
              )
              .map(([k, v]) => {
                const patch: Record<string, Json> = {};
                put(patch, k, v);
                return patch;
              }),
          ),
        },
      );
      const callers: Caller[] =
        route.template.includes('real-servers/{name}') && route.method === 'PATCH'
          ? ['admin', 'operator']
          : [route.caller];
      await fc.assert(
        fc.asyncProperty(body, fc.constantFrom(...callers), async (generated, caller) => {
          const json =
            'mutation' in generated
              ? mutate(validBody(route, next()), generated.mutation)
              : generated.raw;
          await client.check({
            method: route.method,
            path: target(route),
            caller,
            body: JSON.stringify(json),
            contentType: 'application/json',
          });
        }),
        { numRuns: RUNS },
      );
    });
  }

  test('arbitrary Unicode in the string fields of valid bodies (NUL, lone surrogates, controls)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WRITE_ROUTES.filter((r) => r.method !== 'PATCH')),
        fc.nat(),
        nastyString,
        async (route, index, text) => {
          const body = replaceString(validBody(route, next()), index, text);
          await client.check({
            method: route.method,
            path: target(route),
            caller: route.caller,
            body: JSON.stringify(body),
            contentType: 'application/json',
          });
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  test('deeply nested JSON bodies', async () => {
    const nest = (kind: 'object' | 'array', depth: number, leaf: string) =>
      kind === 'object'
        ? `${'{"weight":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`
        : `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WRITE_ROUTES),
        fc.constantFrom('object', 'array') as fc.Arbitrary<'object' | 'array'>,
        fc.integer({ min: 1, max: 60_000 }),
        fc.constantFrom('top', 'field'),
        fc.constantFrom<Caller>('admin', 'operator'),
        async (route, kind, depth, where, caller) => {
          const inner = nest(kind, depth, '1');
          const body = where === 'top' ? inner : `{"weight":${inner},"description":${inner}}`;
          await client.check({
            method: route.method,
            path: target(route),
            caller,
            body,
            contentType: 'application/json',
          });
        },
      ),
      { numRuns: Math.max(20, RUNS / 2) },
    );
  });

  test('random path segments on every route', async () => {
    const segment = fc.oneof(
      fc.string({ minLength: 1, maxLength: 70 }).map(encodeURIComponent),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
      fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.replace(/[#?]/g, '')), // raw: /, %, .., spaces
      fc.constantFrom(
        '%',
        '%zz',
        '%00',
        '%C0%80',
        '%ED%A0%80',
        '..',
        '.',
        '%2e%2e',
        '%2F',
        'a'.repeat(64),
        'A',
        'lb1%00',
        '-a',
        'a-',
        '_',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES.filter((r) => paramsOf(r.template).length > 0)),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<Caller>('admin', 'viewer', 'agent', 'none'),
        fc.option(asciiJson, { nil: undefined }),
        async (route, segments, mask, caller, body) => {
          // Bit i of mask: the i-th parameter of the template gets segments[i]; at least one does.
          const names = paramsOf(route.template);
          const params = defaultParams(route, tokenId);
          names.forEach((name, i) => {
            if (
              mask & (1 << i) ||
              (i === names.length - 1 && names.every((_n, j) => !(mask & (1 << j))))
            )
              params[name] = segments[i]!;
          });
          // A random DELETE must never hit the seeded site by accident: its own segment is random.
          if (
            route.method === 'DELETE' &&
            route.template === '/v1/sites/{site}' &&
            params.site === SITE
          )
            return;
          const path = fill(route.template, params);
          let url: URL;
          try {
            url = new URL(`http://localhost${path}`);
          } catch {
            return; // not a URL a client could send
          }
          const raw: Raw = { method: route.method, path: url.pathname + url.search, caller };
          if (route.method !== 'GET' && route.method !== 'DELETE' && body !== undefined) {
            raw.body = JSON.stringify(body);
            raw.contentType = 'application/json';
          }
          await client.check(raw);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  test('random methods on every path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom(
          'GET',
          'HEAD',
          'POST',
          'PUT',
          'PATCH',
          'DELETE',
          'OPTIONS',
          'PROPFIND',
          'FOO',
        ),
        fc.constantFrom<Caller>('admin', 'viewer', 'none'),
        async (route, method, caller) => {
          const known = ROUTES.some((r) => r.template === route.template && r.method === method);
          if (known && method !== 'GET') return; // the other properties cover real writes
          const raw: Raw = {
            method,
            path: fill(route.template, {
              ...defaultParams(route, tokenId),
              site: 'fz-nowhere',
              id: '00000000-0000-4000-8000-000000000000',
            }),
            caller,
          };
          if (method !== 'GET' && method !== 'HEAD') {
            raw.body = '{}';
            raw.contentType = 'application/json';
          }
          await client.check(raw);
        },
      ),
      { numRuns: RUNS },
    );
  });

  for (const route of GET_ROUTES) {
    test(`random query strings: GET ${route.template}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 4, arbitrary: queryArb(route) },
            { weight: 1, arbitrary: rawQueryArb },
          ),
          fc.constantFrom<Caller>(route.caller, route.caller, 'viewer'),
          async (query, caller) => {
            await client.check({ method: 'GET', path: `${target(route)}?${query}`, caller });
          },
        ),
        { numRuns: RUNS },
      );
    });
  }

  // Targeted: a cursor is opaque base64url, so a client can send one that decodes to any bytes.
  for (const route of GET_ROUTES.filter((r) => queryKeysOf(r).includes('cursor'))) {
    test(`cursors that decode to arbitrary bytes: GET ${route.template}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 16 }), async (bytes) => {
          await client.check({
            method: 'GET',
            path: `${target(route)}?cursor=${Buffer.from(bytes).toString('base64url')}`,
            caller: 'viewer',
          });
        }),
        { numRuns: RUNS },
      );
    });
  }

  test('audit filters with arbitrary text: GET /v1/audit?resourceType=…', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 32 }),
          fc.constantFrom('\u0000', 'site\u0000', 'a\u0085'),
        ),
        async (text) => {
          await client.check({
            method: 'GET',
            path: `/v1/audit?resourceType=${encodeURIComponent(text)}`,
            caller: 'viewer',
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('random query strings on deletes of things that do not exist', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...ROUTES.filter((r) => r.method === 'DELETE'))
          .chain((route) => fc.tuple(fc.constant(route), queryArb(route))),
        async ([route, query]) => {
          const path = fill(route.template, {
            ...defaultParams(route, tokenId),
            site: 'fz-nowhere',
            id: '00000000-0000-4000-8000-000000000000',
          });
          await client.check({ method: 'DELETE', path: `${path}?${query}`, caller: route.caller });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('malformed JSON text is a 400 problem', async () => {
    const notJson = fc.string({ maxLength: 60 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    });
    const truncated = fc
      .tuple(fc.constantFrom(...WRITE_ROUTES.filter((r) => r.method !== 'PATCH')), fc.nat())
      .map(([route, cut]) => {
        const text = JSON.stringify(validBody(route, 0));
        return text.slice(0, 1 + (cut % (text.length - 1)));
      });
    const broken = fc.constantFrom(
      '',
      ' ',
      '{',
      '}',
      '{"name":}',
      "{'name':'x'}",
      '{"a":1,}',
      '[1,]',
      'NaN',
      'undefined',
      '{"a":1}{"b":2}',
      '{"a":"\\x41"}',
      '{"a":"\\ud800"',
      '\u0000',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WRITE_ROUTES),
        fc.oneof(notJson, truncated, broken),
        async (route, text) => {
          const answer = await client.check({
            method: route.method,
            path: target(route),
            caller: route.caller,
            body: text,
            contentType: 'application/json',
          });
          assert.equal(
            answer.status,
            400,
            `${route.method} ${route.template} with ${JSON.stringify(text)}: ${answer.status} ${short(answer.text)}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('bodies that are not JSON are a 415 problem', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'text/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/octet-stream',
        'application/jsonx',
        'application/json-seq',
        'application/ld+xml',
        'json',
        'application/',
        '*/*',
        '',
      ),
      fc.string({ maxLength: 30 }),
    );
    // JSON media types (application/json, application/*+json) may be refused for their parameters,
    // but anything else must be a 415.
    const isJsonType = (type: string) =>
      /^application\/([\w.+-]+\+)?json$/i.test(type.split(';')[0]!.trim());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WRITE_ROUTES),
        contentType,
        fc.boolean(),
        async (route, type, asBytes) => {
          const json = JSON.stringify(validBody(route, next()));
          const raw: Raw = {
            method: route.method,
            path: target(route),
            caller: route.caller,
            contentType: type === '' ? null : type,
            body: asBytes ? new TextEncoder().encode(json) : json,
          };
          const answer = await client.check(raw);
          if (!isJsonType(type))
            assert.equal(
              answer.status,
              415,
              `${route.method} ${route.template} as ${JSON.stringify(type)}: ${answer.status} ${short(answer.text)}`,
            );
        },
      ),
      { numRuns: RUNS },
    );
  });

  for (const route of WRITE_ROUTES) {
    // Status reports grow with the director (one entry per real server): they have their own limit.
    const limit =
      route.template === '/v1/agent/status' ? DEFAULT_OPTIONS.statusBodyLimitBytes : BODY_LIMIT;
    test(`bodies over the limit (${limit >> 20} MiB) are a 413 problem: ${route.method} ${route.template}`, async () => {
      const big = JSON.stringify({
        ...validBody(route, next()),
        description: 'x'.repeat(limit),
      });
      for (const caller of [route.caller, 'none'] as const) {
        const answer = await client.check({
          method: route.method,
          path: target(route),
          caller,
          body: big,
          contentType: 'application/json',
        });
        // Without a Content-Length, nothing is read for a caller without a token: 401 first.
        const want = caller === 'none' ? 401 : 413;
        assert.equal(answer.status, want, `${caller}: ${answer.status} ${short(answer.text)}`);
      }
      // Streamed, without a Content-Length to trust.
      const chunk = new TextEncoder().encode(`"${'y'.repeat(64 * 1024)}",`);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('['));
          if (sent > limit + chunk.length) {
            controller.enqueue(new TextEncoder().encode('0]'));
            controller.close();
            return;
          }
          controller.enqueue(chunk);
          sent += chunk.length;
        },
      });
      const streamed = await client.check({
        method: route.method,
        path: target(route),
        caller: route.caller,
        body: stream,
        contentType: 'application/json',
      });
      assert.equal(streamed.status, 413, `streamed: ${streamed.status} ${short(streamed.text)}`);
      // Just under the limit is not refused for its size.
      const fits = JSON.stringify({
        ...validBody(route, next()),
        description: 'x'.repeat(limit - 2000),
      });
      const answer = await client.check({
        method: route.method,
        path: target(route),
        caller: route.caller,
        body: fits,
        contentType: 'application/json',
      });
      assert.notEqual(answer.status, 413, short(answer.text));
    });
  }

  test('after the fuzzing, every director document still compiles and passes the agent’s validation', async () => {
    const cp = get();
    for (const director of ['lb1', 'lb2']) {
      const token = await cp.token('agent', SITE, director);
      const res = await cp.request('GET', '/v1/agent/config', { token });
      assert.equal(res.status, 200, res.text);
      const parsed = DesiredState.safeParse(res.body);
      assert.ok(
        parsed.success,
        `${director}: the document does not parse: ${parsed.error?.message}`,
      );
      assert.deepEqual(
        validateDesiredState(parsed.data),
        [],
        `${director}: the agent would refuse its document`,
      );
    }
    for (const route of GET_ROUTES.filter((r) => r.caller === 'admin')) {
      const answer = await client.check({ method: 'GET', path: target(route), caller: 'admin' });
      assert.equal(answer.status, 200, `${route.template}: ${short(answer.text)}`);
    }
  });
});
