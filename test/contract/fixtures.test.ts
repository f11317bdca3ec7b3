/**
 * The golden desired-state documents in contract/fixtures/: every valid one is a fixed point of
 * DesiredState.parse (fully defaulted) and validates cleanly; every one in invalid/ parses but
 * yields exactly the issues in its sibling `<name>.expected.json`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import {
  addressFamily,
  canonicalAddress,
  DesiredState,
  parseIpv4,
  parseIpv6,
  validateDesiredState,
} from '../../contract/index.js';
import { assertIssues, type Expected } from './builders.js';

const root = new URL('../../contract/fixtures/', import.meta.url);
const invalidRoot = new URL('invalid/', root);
const read = (dir: URL, file: string): unknown =>
  JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
const jsonFiles = (dir: URL) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();

/** TEST-NET-1/2/3 (RFC 5737) and the IPv6 documentation prefix (RFC 3849). */
function isDocumentationAddress(text: string): boolean {
  const v4 = parseIpv4(text);
  if (v4) return ['192.0.2', '198.51.100', '203.0.113'].includes(v4.slice(0, 3).join('.'));
  const v6 = parseIpv6(text);
  return v6 !== undefined && v6[0] === 0x2001 && v6[1] === 0xdb8;
}

/** Every string in a JSON value that is an IP address. */
function addressesIn(value: unknown): string[] {
  if (typeof value === 'string') return addressFamily(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(addressesIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(addressesIn);
  return [];
}

describe('valid fixtures', () => {
  const files = jsonFiles(root);

  test('include the documented set', () => {
    for (const name of [
      'director-ipv4-nat.json',
      'director-ipv4-v2-dr.json',
      'director-ipv6.json',
      'director-empty.json',
    ])
      assert.ok(files.includes(name), name);
  });

  for (const file of files) {
    describe(file, () => {
      const json = read(root, file);

      test('is fully defaulted: DesiredState.parse returns it unchanged', () => {
        assert.deepEqual(DesiredState.parse(json), json);
      });

      test('validates with zero issues', () => {
        assertIssues(validateDesiredState(DesiredState.parse(json)), []);
      });

      test('uses only documentation addresses, in canonical form', () => {
        for (const address of addressesIn(json)) {
          assert.ok(isDocumentationAddress(address), `${address} is not a documentation address`);
          assert.equal(canonicalAddress(address), address);
        }
      });
    });
  }
});

describe('what the valid fixtures cover', () => {
  const nat = DesiredState.parse(read(root, 'director-ipv4-nat.json'));
  const dr = DesiredState.parse(read(root, 'director-ipv4-v2-dr.json'));
  const v6 = DesiredState.parse(read(root, 'director-ipv6.json'));
  const empty = DesiredState.parse(read(root, 'director-empty.json'));
  const checkTypes = (doc: DesiredState) =>
    new Set<string>(
      doc.virtualServers.flatMap((vs) =>
        vs.realServers.flatMap((rs) => rs.checks.map((c) => c.type)),
      ),
    );

  test('director-ipv4-nat: VRRPv3 unicast, 2 VIPs, all tracked check types, NAT with draining, persistence and sorry server', () => {
    const [inst] = nat.vrrpInstances;
    assert.equal(inst?.version, 3);
    assert.equal(inst?.vips.length, 2);
    assert.ok(inst?.unicast && inst.unicastPeers.length > 0);
    assert.deepEqual(
      new Set(inst?.trackedChecks.map((t) => t.type)),
      new Set(['script', 'interface', 'virtual-server']),
    );
    const web = nat.virtualServers.find((vs) => vs.realServers.length === 3);
    assert.equal(web?.forwarding, 'nat');
    assert.ok(web?.realServers.some((rs) => rs.adminState === 'draining'));
    assert.ok(checkTypes(nat).has('http') && checkTypes(nat).has('tcp'));
    assert.ok(nat.virtualServers.some((vs) => vs.persistence && vs.sorryServer));
  });

  test('director-ipv4-v2-dr: VRRPv2 with a password, 1 s adverts, DR and fwmark services', () => {
    const [inst] = dr.vrrpInstances;
    assert.equal(inst?.version, 2);
    assert.ok(inst?.authPassword);
    assert.equal(inst?.advertIntervalCs, 100);
    assert.ok(dr.virtualServers.some((vs) => vs.forwarding === 'dr' && vs.address !== undefined));
    assert.ok(dr.virtualServers.some((vs) => vs.fwmark !== undefined));
  });

  test('director-ipv6: VRRPv3 IPv6 VIPs, https, dns, udp and script checks', () => {
    assert.ok(
      v6.vrrpInstances.every(
        (i) => i.version === 3 && i.vips.every((vip) => addressFamily(vip.address) === 'ipv6'),
      ),
    );
    assert.ok(v6.virtualServers.every((vs) => vs.family === 'ipv6'));
    for (const type of ['https', 'dns', 'udp', 'script']) assert.ok(checkTypes(v6).has(type), type);
  });

  test('director-empty: no instances, no virtual servers', () => {
    assert.deepEqual([empty.vrrpInstances, empty.virtualServers], [[], []]);
  });
});

describe('invalid fixtures', () => {
  const files = jsonFiles(invalidRoot);
  const documents = files.filter((f) => !f.endsWith('.expected.json'));

  test('each document has its expected issues, and each expectation its document', () => {
    assert.ok(documents.length >= 7);
    const expectations = files.filter((f) => f.endsWith('.expected.json'));
    assert.deepEqual(
      expectations,
      documents.map((f) => f.replace(/\.json$/, '.expected.json')),
    );
  });

  for (const file of documents) {
    test(`${file.replace(/\.json$/, '')}: parses, then fails validation as expected`, () => {
      const parsed = DesiredState.safeParse(read(invalidRoot, file));
      assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
      const expected = read(invalidRoot, file.replace(/\.json$/, '.expected.json')) as Expected[];
      assert.ok(expected.length > 0);
      assertIssues(validateDesiredState(parsed.data), expected);
    });
  }
});
