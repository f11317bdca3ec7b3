/**
 * contract/keepalived/render, by property: random valid documents that keepalived can express
 * (the renderer reports no warning) import back unchanged; random documents with lossy features
 * never lose anything silently (any difference after the round trip is under a warning's path);
 * and keepalived's own config test accepts rendered documents that use this machine's interfaces.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  API_VERSION,
  DesiredState,
  parseKeepalivedConf,
  renderKeepalivedConfWithWarnings,
  type RenderWarning,
  toDesiredState,
  validateDesiredState,
} from '../../contract/index.js';
import { prerequisite } from '../support/tier.js';

type Json = Record<string, unknown>;
type Path = (string | number)[];
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** JSON.stringify drops the `undefined` that fc.option leaves in records. */
const clean = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const SAFE_CHARS = [...'abcXYZ019 #!{}@$-_./:'];
/** Text with blanks, comment characters and braces, but not a lone brace (keepalived's block markers). */
const safeText = (max: number) =>
  fc
    .string({ unit: fc.constantFrom(...SAFE_CHARS), minLength: 1, maxLength: max })
    .filter((t) => t !== '{' && t !== '}');
const plainWord = fc.string({ unit: fc.constantFrom(...'ab9-_=./#:'), minLength: 1, maxLength: 6 });
const SCRIPTS = ['/bin/true', '/usr/bin/env'];
/**
 * Scripts run as root, checked: keepalived -t wants enable_script_security when root runs them,
 * and keepalived has one for all (other users: keepalived-render.test.ts).
 */
const ROOT_CHECKED = { user: 'root', requireSafePath: true };
function withNotifyRunAs(notify: Record<string, string | undefined>) {
  const keys = Object.keys(notify).filter((key) => notify[key] !== undefined);
  if (keys.length === 0) return notify;
  return { ...notify, runAs: Object.fromEntries(keys.map((key) => [key, ROOT_CHECKED])) };
}

function instanceArb(k: number, ifaces: string[]) {
  const [own = 'eth0', ...others] = ifaces;
  return fc
    .record({
      ipv6: fc.boolean(),
      v2: fc.boolean(),
      advertS: fc.integer({ min: 1, max: 255 }),
      advertCs: fc.integer({ min: 1, max: 4095 }),
      priority: fc.integer({ min: 1, max: 254 }),
      vips: fc.array(
        fc.record({
          prefix: opt(fc.integer({ min: 0, max: 32 })),
          device: fc.boolean(),
          label: opt(safeText(15).map((t) => t.replace(/\s/g, '_'))),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      preempt: fc.boolean(),
      preemptDelayS: fc.integer({ min: 0, max: 1000 }),
      acceptMode: fc.boolean(),
      unicast: fc.boolean(),
      peers: fc.integer({ min: 1, max: 3 }),
      source: fc.boolean(),
      password: opt(safeText(8)),
      tracks: fc.uniqueArray(
        fc.record({
          iface: fc.constantFrom('', ...others),
          weight: fc.integer({ min: -253, max: 253 }),
        }),
        { maxLength: 2, selector: (t) => t.iface },
      ),
      scripts: fc.array(
        fc.record({
          args: fc.array(plainWord, { maxLength: 3 }),
          intervalS: fc.integer({ min: 1, max: 3600 }),
          timeoutS: fc.integer({ min: 1, max: 600 }),
          rise: fc.integer({ min: 1, max: 100 }),
          fall: fc.integer({ min: 1, max: 100 }),
          weight: fc.integer({ min: -253, max: 253 }),
        }),
        { maxLength: 2 },
      ),
      syncGroup: opt(fc.constantFrom('sg-a', 'sg-b')),
      garp: fc.record({
        masterDelayS: fc.integer({ min: 0, max: 3600 }),
        masterRepeat: fc.integer({ min: 1, max: 100 }),
        masterRefreshS: fc.integer({ min: 0, max: 86400 }),
      }),
      notify: fc.record({
        master: opt(fc.constantFrom(...SCRIPTS)),
        backup: opt(fc.constantFrom(...SCRIPTS)),
        fault: opt(fc.constantFrom(...SCRIPTS)),
        stop: opt(fc.constantFrom(...SCRIPTS)),
        any: opt(fc.constantFrom(...SCRIPTS)),
      }),
    })
    .map((s) => {
      const version = s.ipv6 || !s.v2 ? 3 : 2;
      const address = (j: number) =>
        s.ipv6 ? `2001:db8:${k}::${j + 10}` : `192.0.${k + 10}.${j + 10}`;
      return {
        name: `vi-${k}`,
        vrid: k + 1,
        version,
        interface: own,
        priority: s.priority,
        advertIntervalCs: version === 2 ? s.advertS * 100 : s.advertCs,
        vips: s.vips.map((v, j) => ({
          address: address(j),
          prefixLength: v.prefix === undefined ? undefined : s.ipv6 ? v.prefix * 4 : v.prefix,
          device: v.device ? own : undefined,
          label: s.ipv6 ? undefined : v.label,
        })),
        preempt: s.preempt,
        preemptDelayS: s.preempt ? s.preemptDelayS : 0,
        acceptMode: s.acceptMode,
        unicast: s.unicast,
        unicastSource: s.source ? address(90) : undefined,
        unicastPeers: s.unicast ? Array.from({ length: s.peers }, (_, j) => address(100 + j)) : [],
        authPassword: version === 2 ? s.password : undefined,
        trackedChecks: [
          ...s.tracks
            .filter((t) => t.iface !== '')
            .map((t) => ({
              type: 'interface',
              name: `if-${t.iface}`,
              interface: t.iface,
              weight: t.weight,
            })),
          ...s.scripts.map((c, j) => ({
            type: 'script',
            name: `chk-${k}-${j}`,
            path: SCRIPTS[j % 2],
            args: c.args,
            intervalMs: c.intervalS * 1000,
            timeoutMs: c.timeoutS * 1000,
            rise: c.rise,
            fall: c.fall,
            weight: c.weight,
            runAs: ROOT_CHECKED,
          })),
        ],
        syncGroup: s.syncGroup,
        garp: s.garp,
        notify: withNotifyRunAs(s.notify),
      };
    });
}

// keepalived brings a server up after one success and down after retry+1 failures: a document
// it can carry says rise 1 and its fall.
const timing = {
  port: opt(fc.integer({ min: 1, max: 65535 })),
  intervalMs: opt(fc.integer({ min: 100, max: 3_600_000 })),
  timeoutMs: opt(fc.integer({ min: 10, max: 600_000 })),
  rise: fc.constant(1),
  fall: fc.integer({ min: 1, max: 100 }),
};
const checkArb: fc.Arbitrary<Json> = fc.oneof(
  fc
    .record({
      type: fc.constantFrom('http', 'https'),
      ...timing,
      path: safeText(12).map((p) => `/${p}`),
      host: opt(safeText(10)),
      expectStatus: fc.array(fc.integer({ min: 100, max: 599 }), { minLength: 1, maxLength: 4 }),
      bodyDigest: opt(fc.stringMatching(/^[0-9a-f]{32}$/)),
    })
    .map((c) => (c.type === 'https' ? { ...c, tlsVerify: false } : c)),
  fc.record({ type: fc.constantFrom('tcp', 'udp'), ...timing }),
  fc.record({
    type: fc.constant('dns'),
    ...timing,
    // keepalived 2.2 knows these types, and refuses empty labels (and a one-letter first label).
    queryName: fc.constantFrom('.', 'example.com', 'ns1.example.org.', 'odd name#1.test'),
    queryType: fc.constantFrom('A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'CNAME'),
  }),
  fc.record({
    type: fc.constant('script'),
    path: fc.constantFrom(...SCRIPTS),
    args: fc.array(plainWord, { maxLength: 3 }),
    dynamicWeight: fc.boolean(),
    timeoutMs: opt(fc.integer({ min: 1, max: 600 }).map((s) => s * 1000)),
    intervalMs: timing.intervalMs,
    rise: timing.rise,
    fall: timing.fall,
    runAs: fc.constant(ROOT_CHECKED),
  }),
);

function virtualServerArb(m: number) {
  const real = fc.record({
    weight: fc.integer({ min: 1, max: 65535 }),
    port: fc.integer({ min: 1, max: 65535 }),
    upper: fc.integer({ min: 0, max: 10_000 }),
    lowerPart: fc.integer({ min: 0, max: 100 }),
    checks: fc.array(checkArb, { maxLength: 3 }),
  });
  return fc
    .record({
      ipv6: fc.boolean(),
      fwmark: opt(fc.integer({ min: 1, max: 2 ** 32 - 1 })),
      port: fc.integer({ min: 0, max: 65535 }),
      protocol: fc.constantFrom('tcp', 'udp', 'sctp'),
      scheduler: fc.constantFrom(
        'rr',
        'wrr',
        'lc',
        'wlc',
        'lblc',
        'lblcr',
        'dh',
        'sh',
        'sed',
        'nq',
        'fo',
        'ovf',
        'mh',
        'twos',
      ),
      forwarding: fc.constantFrom('nat', 'dr', 'tun'),
      persistence: opt(
        fc.record({
          timeoutS: fc.integer({ min: 1, max: 86400 * 31 }),
          netmask: opt(fc.integer({ min: 1, max: 32 })),
        }),
      ),
      quorumPart: fc.double({ min: 0, max: 1, noNaN: true }),
      hysteresisPart: fc.double({ min: 0, max: 0.99, noNaN: true }),
      sorry: opt(fc.integer({ min: 1, max: 65535 })),
      inhibitOnFailure: fc.boolean(),
      intervalMs: fc.integer({ min: 100, max: 3_600_000 }),
      reals: fc.array(real, { minLength: 1, maxLength: 3 }),
    })
    .map((s) => {
      const ip = (n: number) => (s.ipv6 ? `2001:db8:${m + 100}::${n}` : `198.51.${m + 100}.${n}`);
      const port =
        s.fwmark === undefined ? (s.persistence ? s.port : Math.max(1, s.port)) : undefined;
      const destPort = (p: number) => (s.forwarding === 'nat' ? p : (port ?? 0));
      const totalWeight = s.reals.reduce((sum, r) => sum + r.weight, 0);
      const quorum = Math.max(1, Math.floor(s.quorumPart * Math.min(totalWeight, 65535)));
      const address =
        s.fwmark === undefined ? (s.ipv6 ? `2001:db8:${m}::1` : `203.0.113.${m + 1}`) : undefined;
      const realServers = s.reals.map((r, j) => ({
        name: `${ip(j + 1)}-${destPort(r.port)}`.replace(/:+/g, '-'),
        address: ip(j + 1),
        port: destPort(r.port),
        weight: r.weight,
        upperThreshold: r.upper,
        lowerThreshold: Math.floor((r.upper * r.lowerPart) / 100),
        checks: r.checks,
      }));
      return {
        name: (s.fwmark === undefined ? `${address}-${port}` : `fwmark-${s.fwmark}`).replace(
          /:+/g,
          '-',
        ),
        address,
        port,
        protocol: s.fwmark === undefined ? s.protocol : undefined,
        fwmark: s.fwmark,
        family: s.ipv6 ? 'ipv6' : 'ipv4',
        scheduler: s.scheduler,
        forwarding: s.forwarding,
        persistence: s.persistence && {
          timeoutS: s.persistence.timeoutS,
          netmask:
            s.persistence.netmask && (s.ipv6 ? s.persistence.netmask * 4 : s.persistence.netmask),
        },
        quorum,
        hysteresis: Math.floor(s.hysteresisPart * quorum),
        inhibitOnFailure: s.inhibitOnFailure,
        sorryServer:
          s.sorry === undefined ? undefined : { address: ip(250), port: destPort(s.sorry) },
        checkDefaults: { intervalMs: s.intervalMs },
        realServers,
      };
    });
}

/** Sync groups of one instance are dropped (keepalived refuses them). */
function withSyncGroupsOfTwo(instances: Json[]): Json[] {
  const count = (g: unknown) => instances.filter((i) => i.syncGroup === g).length;
  return instances.map((i) => (count(i.syncGroup) > 1 ? i : { ...i, syncGroup: undefined }));
}

function documentArb(ifaces: string[]): fc.Arbitrary<DesiredState | undefined> {
  const instances = fc
    .integer({ min: 0, max: 3 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, k) => instanceArb(k, ifaces))));
  const servers = fc
    .integer({ min: 0, max: 3 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, m) => virtualServerArb(m))));
  return fc
    .record({
      instances,
      servers,
      garpIntervalMs: fc.integer({ min: 0, max: 10_000 }),
      revision: fc.nat(),
    })
    .map(({ instances: vi, servers: vs, garpIntervalMs, revision }) => {
      const input = clean({
        apiVersion: API_VERSION,
        kind: 'DirectorConfig',
        site: 'ams1',
        director: { name: 'lb1', address: '192.0.2.2' },
        revision,
        vrrpInstances: withSyncGroupsOfTwo(
          vi.map((i) => ({ ...i, garp: { ...i.garp, intervalMs: garpIntervalMs } })),
        ),
        virtualServers: vs,
      });
      const parsed = DesiredState.safeParse(input);
      return parsed.success && validateDesiredState(parsed.data).length === 0
        ? parsed.data
        : undefined;
    });
}

function reimport(doc: DesiredState) {
  const rendered = renderKeepalivedConfWithWarnings(doc);
  const parsed = parseKeepalivedConf(rendered.text, 'rendered.conf');
  const { site, director, revision } = doc;
  const back = toDesiredState(parsed.config, { site, director, revision });
  return { rendered, parsed, back };
}

const IDENTITY_IFACES = ['eth0', 'bond0.100', "we'ird#1", 'eth1'];

describe('import(export(doc)) is the identity', () => {
  test('for random valid documents the renderer writes without warnings', () => {
    fc.assert(
      fc.property(documentArb(IDENTITY_IFACES), (doc) => {
        fc.pre(doc !== undefined);
        const { rendered, parsed, back } = reimport(doc);
        assert.deepEqual(rendered.warnings, []);
        assert.deepEqual(
          parsed.diagnostics.filter((d) => d.severity === 'error'),
          [],
        );
        assert.deepEqual(back.document, doc);
      }),
      { numRuns: 300 },
    );
  });
});

/** Paths where `a` and `b` differ (an array of another length differs as a whole). */
function diffPaths(a: unknown, b: unknown, path: Path = []): Path[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((x, i) => diffPaths(x, b[i], [...path, i]));
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffPaths((a as Json)[k], (b as Json)[k], [...path, k]));
  }
  return [path];
}

/** Every difference after the round trip lies under (or above) a warning's path. */
function assertNothingLostSilently(doc: DesiredState): RenderWarning[] {
  const { rendered, back } = reimport(doc);
  const { warnings } = rendered;
  if (back.document === undefined) {
    assert.ok(
      warnings.length > 0,
      `import failed without a warning: ${JSON.stringify(back.issues)}`,
    );
    return warnings;
  }
  const related = (p: Path, q: Path) =>
    isDeepStrictEqual(p.slice(0, q.length), q.slice(0, p.length));
  for (const path of diffPaths(doc, back.document))
    assert.ok(
      warnings.some((w) => related(w.path, path)),
      `silently lost: ${path.join('.')}`,
    );
  return warnings;
}

type Doc = {
  vrrpInstances: Json[];
  virtualServers: (Json & { realServers: Json[]; checkDefaults: Json })[];
};
const pick = <T>(list: T[], n: number): T | undefined => list[n % Math.max(1, list.length)];
const realServers = (d: Doc) => d.virtualServers.flatMap((v) => v.realServers);
const checks = (d: Doc, type?: string) =>
  realServers(d)
    .flatMap((r) => r.checks as Json[])
    .filter((c) => type === undefined || c.type === type);
const tracked = (d: Doc, type: string) =>
  d.vrrpInstances.flatMap((i) => i.trackedChecks as Json[]).filter((t) => t.type === type);
const set = (target: Json | undefined, values: Json) => target && Object.assign(target, values);

/** Things keepalived (or the importer) cannot carry exactly, each applied to a random target. */
const LOSSY: Record<string, (d: Doc, n: number) => void> = {
  renamedVirtualServer: (d, n) => set(pick(d.virtualServers, n), { name: `web-${n}` }),
  renamedRealServer: (d, n) => set(pick(realServers(d), n), { name: `rs-${n}` }),
  realServerLabels: (d, n) =>
    set(pick(realServers(d), n), { labels: { tier: 'web' }, description: 'x' }),
  draining: (d, n) => set(pick(realServers(d), n), { adminState: 'draining' }),
  disabled: (d, n) => set(pick(realServers(d), n), { adminState: 'disabled' }),
  realServerForwarding: (d, n) => set(pick(realServers(d), n), { forwarding: 'nat' }),
  checkRise: (d, n) => set(pick(checks(d), n), { rise: 2 }),
  headMethod: (d, n) => set(pick(checks(d, 'http'), n), { method: 'HEAD' }),
  bodyRegex: (d, n) => set(pick(checks(d, 'http'), n), { bodyRegex: 'ok' }),
  tlsVerify: (d, n) => set(pick(checks(d, 'https'), n), { tlsVerify: true }),
  dnsTypeAndName: (d, n) => set(pick(checks(d, 'dns'), n), { queryType: 'SRV', queryName: 'a..b' }),
  udpPayload: (d, n) => set(pick(checks(d, 'udp'), n), { payloadHex: 'ab', expectHex: 'cd' }),
  scriptPort: (d, n) => set(pick(checks(d, 'script'), n), { port: 99 }),
  scriptArgWithBlank: (d, n) => set(pick(checks(d, 'script'), n), { args: ['a b'] }),
  scriptTimeoutFraction: (d, n) => set(pick(checks(d, 'script'), n), { timeoutMs: 1500 }),
  quoteInPath: (d, n) => set(pick(checks(d, 'http'), n), { path: '/a"b' }),
  fwmarkDestinationPort: (d, n) => {
    const vs = pick(
      d.virtualServers.filter((v) => v.fwmark !== undefined),
      n,
    );
    set(vs, { forwarding: 'dr' });
    for (const r of vs?.realServers ?? []) r.port = 80;
  },
  quorumZero: (d, n) => set(pick(d.virtualServers, n), { quorum: 0, hysteresis: 0 }),
  schedulerFlags: (d, n) => set(pick(d.virtualServers, n), { schedulerFlags: ['sh-port'] }),
  longPersistence: (d, n) =>
    set(pick(d.virtualServers, n)?.persistence as Json, { timeoutS: 3_000_000 }),
  noRealServers: (d, n) =>
    set(pick(d.virtualServers, n), { realServers: [], quorum: 1, hysteresis: 0 }),
  defaultTimeoutAndRise: (d, n) =>
    set(pick(d.virtualServers, n)?.checkDefaults, { timeoutMs: 1234, rise: 3, fall: 2 }),
  noDefaultInterval: (d, n) => delete pick(d.virtualServers, n)?.checkDefaults.intervalMs,
  checksumAsV2: (d, n) => set(pick(d.vrrpInstances, n), { v3ChecksumAsV2: true }),
  nopreemptWithDelay: (d, n) =>
    set(pick(d.vrrpInstances, n), { preempt: false, preemptDelayS: 10 }),
  loneSyncGroup: (d, n) => set(pick(d.vrrpInstances, n), { syncGroup: 'solo' }),
  garpIntervalDiffers: (d, n) => set(pick(d.vrrpInstances, n + 1)?.garp as Json, { intervalMs: 7 }),
  trackOwnInterface: (d, n) => {
    const inst = pick(d.vrrpInstances, n);
    (inst?.trackedChecks as Json[] | undefined)?.push({
      type: 'interface',
      name: 'own',
      interface: inst?.interface,
      weight: 5,
    });
  },
  trackVirtualServer: (d, n) => {
    const vs = pick(d.virtualServers, n);
    if (vs)
      (pick(d.vrrpInstances, n)?.trackedChecks as Json[] | undefined)?.push({
        type: 'virtual-server',
        name: 'trk-vs',
        virtualServer: vs.name,
        weight: 0,
      });
  },
  renamedInterfaceTrack: (d, n) => set(pick(tracked(d, 'interface'), n), { name: `trk-${n}` }),
  trackWeight254: (d, n) =>
    set(pick([...tracked(d, 'interface'), ...tracked(d, 'script')], n), { weight: -254 }),
  scriptIntervalFraction: (d, n) => set(pick(tracked(d, 'script'), n), { intervalMs: 1500 }),
  sameScriptNameOtherDefinition: (d, n) => {
    const [a, b] = [pick(d.vrrpInstances, n), pick(d.vrrpInstances, n + 1)];
    const chk = {
      type: 'script',
      name: 'shared',
      path: '/bin/true',
      args: [],
      intervalMs: 1000,
      timeoutMs: 1000,
      rise: 1,
      fall: 1,
      weight: 0,
    };
    if (a !== b) {
      (a?.trackedChecks as Json[] | undefined)?.push(chk);
      (b?.trackedChecks as Json[] | undefined)?.push({ ...chk, fall: 2 });
    }
  },
};

function lossyArb(): fc.Arbitrary<{ doc: DesiredState; applied: string[] } | undefined> {
  const names = Object.keys(LOSSY);
  return fc
    .tuple(
      documentArb(IDENTITY_IFACES),
      fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 4 }),
      fc.nat(),
    )
    .map(([doc, applied, n]) => {
      if (doc === undefined) return undefined;
      const draft = structuredClone(doc) as unknown as Doc;
      for (const name of applied) LOSSY[name]?.(draft, n);
      const parsed = DesiredState.safeParse(draft);
      if (!parsed.success || validateDesiredState(parsed.data).length > 0) return undefined;
      return { doc: parsed.data, applied };
    });
}

describe('nothing is lost silently', () => {
  test('random documents with lossy features: every difference after the round trip is warned about', () => {
    fc.assert(
      fc.property(lossyArb(), (sample) => {
        fc.pre(sample !== undefined);
        assertNothingLostSilently(sample.doc);
      }),
      { numRuns: 400 },
    );
  });

  const fixtures = new URL('../../contract/fixtures/', import.meta.url);
  for (const name of readdirSync(fixtures)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    test(`fixture ${name}`, () => {
      const doc = DesiredState.parse(JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')));
      const warnings = assertNothingLostSilently(doc);
      if (doc.virtualServers.length > 0)
        assert.ok(warnings.length > 0, 'fixtures use names keepalived has no place for');
    });
  }
});

/** This machine's interfaces, the up ones first (keepalived -t refuses unknown interfaces). */
function hostInterfaces(): string[] {
  const names = existsSync('/sys/class/net') ? readdirSync('/sys/class/net') : [];
  const up = (n: string) => readFileSync(`/sys/class/net/${n}/operstate`, 'utf8').trim() === 'up';
  return names.filter((n) => n !== 'lo').sort((a, b) => Number(up(b)) - Number(up(a)));
}

/**
 * keepalived's verdict on `text` (`keepalived -t -f FILE`, no daemon, no root needed for the
 * parse): exit 0 and no output when clean; each problem prints a line on stderr and the exit
 * status is non-zero (5 for config errors, 6 for script-security ones in 2.2).
 */
function keepalivedConfigTest(text: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-keepalived-'));
  try {
    writeFileSync(join(dir, 'keepalived.conf'), text, { mode: 0o644 });
    const run = spawnSync('keepalived', ['-t', '-f', join(dir, 'keepalived.conf')], {
      encoding: 'utf8',
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hasKeepalived = spawnSync('sh', ['-c', 'command -v keepalived']).status === 0;
const skipKeepalived =
  prerequisite(hasKeepalived, 'keepalived is not installed (apt-get install keepalived)') ||
  prerequisite(hostInterfaces().length > 0, 'no network interface besides lo for keepalived -t');

describe('keepalived -t accepts rendered random documents', { skip: skipKeepalived }, () => {
  test("on this machine's interfaces, with existing scripts", () => {
    fc.assert(
      fc.property(documentArb(hostInterfaces()), (doc) => {
        fc.pre(doc !== undefined);
        const { text, warnings } = renderKeepalivedConfWithWarnings(doc);
        assert.deepEqual(warnings, []);
        assert.deepEqual(keepalivedConfigTest(text), { status: 0, output: '' }, text);
      }),
      { numRuns: 60 },
    );
  });
});
