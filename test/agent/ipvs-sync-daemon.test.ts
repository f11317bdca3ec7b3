/**
 * IPVS sync daemons: the NEW/DEL/GET_DAEMON codec (golden bytes from the <linux/ip_vs.h> layout,
 * kernel-style dump replies with nests without NLA_F_NESTED, old kernels' short replies, refusals
 * and random input), the planner (keepalived's master/backup switch, settings changes), and the
 * controller against the fake kernel (EEXIST, ESRCH, ENODEV, no IPVS: a condition, not a crash).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeDaemon,
  encodeDelDaemon,
  encodeGetDaemons,
  encodeNewDaemon,
  type ObservedSyncDaemon,
} from '../../agent/core/ipvs/codec.js';
import { IpvsCmd } from '../../agent/core/ipvs/ip-vs-h.js';
import {
  nlaBytes,
  nlaNest,
  nlaString,
  nlaU16,
  nlaU32,
  nlaU8,
  readAttributes,
} from '../../agent/core/ipvs/netlink-attributes.js';
import { planSyncDaemons, wantedDaemons } from '../../agent/core/ipvs/sync-daemon-plan.js';
import { IpvsSyncController } from '../../agent/runtime/ipvs-sync.js';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import { FakeIpvsClient } from '../support/fake-ipvs-client.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A reply nest as `ip_vs_genl_fill_daemon` writes it (`nla_nest_start_noflag`: no NLA_F_NESTED). */
function kernelNest(children: Uint8Array[]): Uint8Array {
  const nest = nlaNest(3, children);
  nest[3]! &= 0x7f; // clear NLA_F_NESTED (bit 15 of the little-endian type)
  return nest;
}

describe('sync daemon codec', () => {
  test('NEW_DAEMON: state, interface, sync id in one nest; optional fields only when given', () => {
    const request = encodeNewDaemon({ role: 'backup', interface: 'eth1', syncId: 7 });
    assert.equal(request.command, IpvsCmd.NEW_DAEMON);
    assert.equal(request.dump, false);
    // nest(3|NESTED) len 4+8+12+8 = 32: STATE u32 2, MCAST_IFN "eth1\0" (9, padded 12), SYNC_ID u32 7
    assert.equal(
      hex(request.payload),
      '20000380' + '0800010002000000' + '0900020065746831' + '00000000' + '0800030007000000',
    );
  });

  test('NEW_DAEMON with every option: maxlen and port u16, group be32, ttl u8', () => {
    const request = encodeNewDaemon({
      role: 'master',
      interface: 'eth0',
      syncId: 255,
      maxLengthBytes: 1400,
      group: '239.1.2.3',
      port: 8850,
      ttl: 2,
    });
    const [nest] = readAttributes(request.payload);
    const attrs = readAttributes(nest!.payload);
    assert.deepEqual(
      attrs.map((a) => [a.type, hex(a.payload)]),
      [
        [1, '01000000'],
        [2, '6574683000'],
        [3, 'ff000000'],
        [4, '7805'],
        [5, 'ef010203'],
        [7, '9222'],
        [8, '02'],
      ],
    );
  });

  test('an IPv6 group goes in MCAST_GROUP6, 16 bytes', () => {
    const request = encodeNewDaemon({
      role: 'backup',
      interface: 'eth0',
      syncId: 1,
      group: 'ff02::1:2',
    });
    const [nest] = readAttributes(request.payload);
    const group6 = readAttributes(nest!.payload).find((a) => a.type === 6);
    assert.equal(hex(group6!.payload), 'ff020000000000000000000000010002');
  });

  test('refuses what the kernel would: long names, ids over 255, unicast groups, zero port/ttl', () => {
    const base = { role: 'master' as const, interface: 'eth0', syncId: 1 };
    assert.throws(() => encodeNewDaemon({ ...base, interface: 'a-very-long-name' }), RangeError);
    assert.throws(() => encodeNewDaemon({ ...base, interface: '' }), RangeError);
    assert.throws(() => encodeNewDaemon({ ...base, syncId: 256 }), RangeError);
    assert.throws(() => encodeNewDaemon({ ...base, group: '192.0.2.1' }), RangeError);
    assert.throws(() => encodeNewDaemon({ ...base, group: '2001:db8::1' }), RangeError);
    assert.throws(() => encodeNewDaemon({ ...base, port: 0 }), RangeError);
    assert.throws(() => encodeNewDaemon({ ...base, ttl: 256 }), RangeError);
  });

  test('DEL_DAEMON carries the state only; GET_DAEMON is a dump without attributes', () => {
    assert.equal(hex(encodeDelDaemon('master').payload), '0c000380' + '0800010001000000');
    assert.equal(hex(encodeDelDaemon('backup').payload), '0c000380' + '0800010002000000');
    const get = encodeGetDaemons();
    assert.deepEqual([get.command, get.dump, get.payload.length], [IpvsCmd.GET_DAEMON, true, 0]);
  });

  test('decodes a kernel reply (nest without NLA_F_NESTED, every field)', () => {
    const reply = kernelNest([
      nlaU32(1, 1),
      nlaString(2, 'eth1'),
      nlaU32(3, 9),
      nlaU16(4, 1472),
      nlaU16(7, 8848),
      nlaU8(8, 1),
      nlaBytes(5, Uint8Array.from([224, 0, 0, 81])),
    ]);
    assert.deepEqual(decodeDaemon(reply), {
      ok: true,
      value: {
        role: 'master',
        interface: 'eth1',
        syncId: 9,
        maxLengthBytes: 1472,
        group: '224.0.0.81',
        port: 8848,
        ttl: 1,
      },
    });
  });

  test('a kernel before 4.7 sends state, interface and id only: defaults fill the rest', () => {
    const reply = kernelNest([nlaU32(1, 2), nlaString(2, 'eth0'), nlaU32(3, 0)]);
    const decoded = decodeDaemon(reply);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, {
      role: 'backup',
      interface: 'eth0',
      syncId: 0,
      maxLengthBytes: 0,
      group: '224.0.0.81',
      port: 8848,
      ttl: 1,
    });
  });

  test('malformed and unsupported replies are failures, never throws', () => {
    const noNest = decodeDaemon(new Uint8Array(0));
    assert.equal(noNest.ok, false);
    const badState = decodeDaemon(kernelNest([nlaU32(1, 3), nlaString(2, 'e'), nlaU32(3, 0)]));
    assert.ok(!badState.ok && badState.kind === 'unsupported');
    const shortGroup = decodeDaemon(
      kernelNest([nlaU32(1, 1), nlaString(2, 'e'), nlaU32(3, 0), nlaBytes(5, new Uint8Array(3))]),
    );
    assert.ok(!shortGroup.ok && shortGroup.kind === 'malformed');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        decodeDaemon(bytes);
        decodeDaemon(kernelNest([bytes]));
      }),
    );
  });

  test('round trip: what NEW_DAEMON asks is what a dump of it decodes to', () => {
    fc.assert(
      fc.property(
        fc.record({
          role: fc.constantFrom('master' as const, 'backup' as const),
          interface: fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/),
          syncId: fc.integer({ min: 0, max: 255 }),
          maxLengthBytes: fc.integer({ min: 1, max: 65535 }),
          group: fc.constantFrom('224.0.0.81', '239.255.0.1', 'ff02::1'),
          port: fc.integer({ min: 1, max: 65535 }),
          ttl: fc.integer({ min: 1, max: 255 }),
        }),
        (config) => {
          const [nest] = readAttributes(encodeNewDaemon(config).payload);
          const decoded = decodeDaemon(kernelNest(readAttributes(nest!.payload).map(reencode)));
          assert.deepEqual(decoded, { ok: true, value: { ...config } });
        },
      ),
    );
  });
});

/** An attribute read back into its bytes (type and payload). */
function reencode(a: { type: number; payload: Uint8Array }): Uint8Array {
  return nlaBytes(a.type, a.payload);
}

const running = (role: 'master' | 'backup', extra: Partial<ObservedSyncDaemon> = {}) => ({
  role,
  interface: 'eth1',
  syncId: 7,
  maxLengthBytes: 1472,
  group: '224.0.0.81',
  port: 8848,
  ttl: 1,
  ...extra,
});

describe('sync daemon planner (keepalived ipvs_syncd_master / ipvs_syncd_backup)', () => {
  const settings = { interface: 'eth1', syncId: 7 };

  test('MASTER wants the master daemon only; every other state the backup daemon', () => {
    assert.deepEqual(
      wantedDaemons(settings, 'master').map((d) => d.role),
      ['master'],
    );
    for (const state of ['backup', 'fault', 'initialize'] as const)
      assert.deepEqual(
        wantedDaemons(settings, state).map((d) => d.role),
        ['backup'],
      );
    assert.deepEqual(wantedDaemons(undefined, 'master'), []);
  });

  test('takeover: stop backup, then start master; giving up: stop master, then start backup', () => {
    assert.deepEqual(
      planSyncDaemons([running('backup')], wantedDaemons(settings, 'master')).map((s) =>
        s.type === 'stop' ? `stop ${s.role}` : `start ${s.config.role}`,
      ),
      ['stop backup', 'start master'],
    );
    assert.deepEqual(
      planSyncDaemons([running('master')], wantedDaemons(settings, 'backup')).map((s) =>
        s.type === 'stop' ? `stop ${s.role}` : `start ${s.config.role}`,
      ),
      ['stop master', 'start backup'],
    );
  });

  test('a daemon already as wanted is left running; other settings restart it', () => {
    assert.deepEqual(planSyncDaemons([running('backup')], wantedDaemons(settings, 'backup')), []);
    assert.deepEqual(
      planSyncDaemons([running('backup', { syncId: 8 })], wantedDaemons(settings, 'backup')).map(
        (s) => s.type,
      ),
      ['stop', 'start'],
    );
    const group6 = { ...settings, group: 'FF02::0001' };
    assert.deepEqual(
      planSyncDaemons([running('backup', { group: 'ff02::1' })], wantedDaemons(group6, 'backup')),
      [],
    );
  });

  test('sync removed: both daemons stop', () => {
    assert.deepEqual(
      planSyncDaemons([running('backup'), running('master')], []).map((s) => s.type),
      ['stop', 'stop'],
    );
  });
});

function instance(extra: Partial<DirectorVrrpInstance> = {}): DirectorVrrpInstance {
  return {
    name: 'vi-1',
    vrid: 51,
    version: 3,
    interface: 'eth0',
    advertIntervalCs: 100,
    preempt: true,
    preemptDelayS: 0,
    acceptMode: true,
    unicast: false,
    v3ChecksumAsV2: false,
    vips: [{ address: '192.0.2.10' }],
    trackedChecks: [],
    garp: { masterDelayS: 5, masterRepeat: 5, masterRefreshS: 0, intervalMs: 0 },
    notify: {},
    priority: 100,
    unicastPeers: [],
    ipvsSync: { interface: 'eth1' },
    ...extra,
  };
}

const quiet = { info: () => {}, error: () => {} };

describe('sync daemon controller', () => {
  test('follows the instance: backup at start, master at takeover, backup again after', async () => {
    const kernel = new FakeIpvsClient();
    const controller = new IpvsSyncController(kernel, quiet);
    await controller.follow([instance()], () => 'backup');
    assert.deepEqual(kernel.daemonCalls, ['start backup']);
    assert.equal(kernel.daemons.get('backup')?.syncId, 51, 'the sync id defaults to the VRID');
    await controller.transition('vi-1', 'master');
    await controller.transition('vi-1', 'fault');
    assert.deepEqual(kernel.daemonCalls, [
      'start backup',
      'stop backup',
      'start master',
      'stop master',
      'start backup',
    ]);
    assert.deepEqual(controller.status()?.running, [
      { role: 'backup', interface: 'eth1', syncId: 51 },
    ]);
    assert.deepEqual(controller.conditions(), []);
  });

  test('other instances, repeated states and an unchanged document touch nothing', async () => {
    const kernel = new FakeIpvsClient();
    const controller = new IpvsSyncController(kernel, quiet);
    await controller.follow(
      [instance(), instance({ name: 'vi-2', ipvsSync: undefined })],
      () => 'backup',
    );
    await controller.transition('vi-2', 'master');
    await controller.transition('vi-1', 'backup');
    await controller.follow([instance()], () => 'backup');
    assert.deepEqual(kernel.daemonCalls, ['start backup']);
  });

  test('a document without sync never touches daemons it did not start', async () => {
    const kernel = new FakeIpvsClient();
    await kernel.startDaemon({ role: 'master', interface: 'eth9', syncId: 1 });
    const controller = new IpvsSyncController(kernel, quiet);
    await controller.follow([instance({ ipvsSync: undefined })], () => 'master');
    await controller.transition('vi-1', 'backup');
    assert.deepEqual([...kernel.daemons.keys()], ['master']);
    assert.equal(controller.status(), undefined);
  });

  test('settings changed: the daemon restarts with them; sync removed: it stops', async () => {
    const kernel = new FakeIpvsClient();
    const controller = new IpvsSyncController(kernel, quiet);
    await controller.follow([instance()], () => 'master');
    await controller.follow(
      [instance({ ipvsSync: { interface: 'eth1', syncId: 3, ttl: 4 } })],
      () => 'master',
    );
    assert.deepEqual(kernel.daemons.get('master')?.syncId, 3);
    assert.deepEqual(kernel.daemons.get('master')?.ttl, 4);
    await controller.follow([instance({ ipvsSync: undefined })], () => 'master');
    assert.equal(kernel.daemons.size, 0);
    assert.deepEqual(kernel.daemonCalls, [
      'start master',
      'stop master',
      'start master',
      'stop master',
    ]);
  });

  test('a daemon someone else started with other settings is replaced (the kernel would say EEXIST)', async () => {
    const kernel = new FakeIpvsClient();
    await kernel.startDaemon({ role: 'backup', interface: 'eth1', syncId: 99 });
    await assert.rejects(
      kernel.startDaemon({ role: 'backup', interface: 'eth1', syncId: 1 }),
      /EEXIST/,
    );
    await assert.rejects(kernel.stopDaemon('master'), /ESRCH/);
    const controller = new IpvsSyncController(kernel, quiet);
    await controller.follow([instance()], () => 'backup');
    assert.equal(kernel.daemons.get('backup')?.syncId, 51);
  });

  test('no such interface: an ipvs-sync-failed condition; it clears once the daemon runs', async () => {
    const kernel = new FakeIpvsClient();
    kernel.interfaces = new Set(['eth0']);
    const rounds: string[][] = [];
    const controller = new IpvsSyncController(kernel, quiet, {
      onRound: (daemons, wanted) => rounds.push([String(wanted), ...daemons.map((d) => d.role)]),
    });
    await controller.follow([instance()], () => 'backup');
    const [condition] = controller.conditions();
    assert.equal(condition?.type, 'ipvs-sync-failed');
    assert.deepEqual(condition?.object, { kind: 'VrrpInstance', name: 'vi-1' });
    assert.match(condition!.message, /no such interface \(ENODEV\)/);
    assert.match(controller.status()!.error!, /ENODEV/);
    kernel.interfaces.add('eth1');
    await controller.transition('vi-1', 'master');
    assert.deepEqual(controller.conditions(), []);
    assert.deepEqual(rounds, [['backup'], ['master', 'master']]);
  });

  test('without IPVS: a condition for as long as the document asks for sync, and no crash', async () => {
    const controller = new IpvsSyncController(undefined, quiet);
    await controller.follow([instance()], () => 'backup');
    await controller.transition('vi-1', 'master');
    assert.match(controller.conditions()[0]!.message, /no IPVS/);
    assert.equal(controller.status()?.wanted, 'master');
    await controller.follow([instance({ ipvsSync: undefined })], () => 'master');
    assert.deepEqual(controller.conditions(), []);
  });

  test('a transition during a round is applied after it, from the latest state', async () => {
    const kernel = new FakeIpvsClient();
    const controller = new IpvsSyncController(kernel, quiet);
    const first = controller.follow([instance()], () => 'backup');
    const second = controller.transition('vi-1', 'master');
    await Promise.all([first, second]);
    assert.deepEqual([...kernel.daemons.keys()], ['master']);
  });
});
