/** @module The IPVS generic-netlink client against Debian's kernel: one VM runs test/vm/guest/ipvs-client.guest.ts, each guest test a subtest here. */
import { test } from 'node:test';
import { runGuestTests } from '../support/vm/guest-runner.js';
import { vmPrerequisite } from '../support/vm/qemu.js';

const skip = vmPrerequisite(['ipvsadm']);

test('IPVS client in a real kernel (one VM)', { skip, timeout: 360_000 }, async (t) => {
  await runGuestTests(
    t,
    ['test/vm/guest/ipvs-client.guest.ts', 'test/vm/guest/ipvs-reconciler.guest.ts'],
    { timeoutMs: 300_000 },
  );
});
