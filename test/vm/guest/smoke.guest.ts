/** @module Guest side of test/vm/smoke.test.ts, run INSIDE the VM: Debian's kernel, IPVS through ipvsadm and generic netlink, namespaces joined by veth. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createGenericNetlink, genl } from 'netlink';
import { guestPrerequisite } from '../../support/vm/guest-tier.js';

// These tests change the kernel's state (IPVS services, namespaces): never outside the VM.
const skip = guestPrerequisite('test/vm/smoke.test.ts');

const run = (argv: readonly string[]): string => {
  const [cmd, ...args] = argv;
  return execFileSync(cmd!, args, { encoding: 'utf8', timeout: 30_000 });
};

test('the guest runs the Debian kernel the host unpacked', { skip }, () => {
  assert.equal(run(['uname', '-r']).trim(), process.env.FLEETLB_VM_KERNEL);
  assert.match(readFileSync('/proc/version', 'utf8'), /Debian/);
});

test('modprobe ip_vs loads IPVS from the unpacked modules', { skip }, () => {
  run(['modprobe', 'ip_vs']);
  assert.match(readFileSync('/proc/net/ip_vs', 'utf8'), /IP Virtual Server version/);
});

test('ipvsadm adds a virtual service and lists it', { skip }, () => {
  run(['ipvsadm', '-A', '-t', '192.0.2.1:80', '-s', 'wlc']);
  try {
    assert.match(run(['ipvsadm', '-Sn']), /^-A -t 192\.0\.2\.1:80 -s wlc$/m);
  } finally {
    run(['ipvsadm', '-C']);
  }
});

test('the netlink package resolves the IPVS generic netlink family', { skip }, async () => {
  const socket = createGenericNetlink();
  try {
    const [family] = await socket.ctrlRequest(genl.Commands.GET_FAMILY, { familyName: 'IPVS' });
    assert.ok(family?.familyId !== undefined && family.familyId > 0, 'a family id');
    assert.equal(family.familyName, 'IPVS');
  } finally {
    socket.socket.close();
  }
});

test('two network namespaces joined by a veth pair ping each other', { skip }, () => {
  run(['ip', 'netns', 'add', 'smoke-a']);
  run(['ip', 'netns', 'add', 'smoke-b']);
  try {
    // veth is a module: creating the pair exercises the kernel's module autoloading.
    run([
      'ip',
      'link',
      'add',
      'va',
      'netns',
      'smoke-a',
      'type',
      'veth',
      'peer',
      'vb',
      'netns',
      'smoke-b',
    ]);
    for (const [ns, dev, address] of [
      ['smoke-a', 'va', '198.51.100.1/24'],
      ['smoke-b', 'vb', '198.51.100.2/24'],
    ] as const) {
      run(['ip', '-n', ns, 'addr', 'add', address, 'dev', dev]);
      run(['ip', '-n', ns, 'link', 'set', dev, 'up']);
    }
    const out = run([
      'ip',
      'netns',
      'exec',
      'smoke-a',
      'busybox',
      'ping',
      '-c',
      '1',
      '-W',
      '5',
      '198.51.100.2',
    ]);
    assert.match(out, /1 packets received/);
  } finally {
    run(['ip', 'netns', 'del', 'smoke-a']);
    run(['ip', 'netns', 'del', 'smoke-b']);
  }
});
