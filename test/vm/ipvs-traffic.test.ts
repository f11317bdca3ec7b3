/** @module Real traffic through IPVS virtual servers that NetlinkIpvsClient programs (NAT, DR, IPv6 NAT, UDP NAT, weight changes, no-op reconcile): one VM runs test/vm/guest/ipvs-traffic.guest.ts, each guest test a subtest here. */
import { test } from 'node:test';
import { runGuestTests } from '../support/vm/guest-runner.js';
import { vmPrerequisite } from '../support/vm/qemu.js';

const skip = vmPrerequisite(['ip', 'sysctl', 'modprobe', 'node']);

test('IPVS traffic in one VM', { skip, timeout: 360_000 }, async (t) => {
  await runGuestTests(t, ['test/vm/guest/ipvs-traffic.guest.ts'], { timeoutMs: 300_000 });
});
