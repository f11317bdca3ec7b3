/**
 * The IPVS client on a kernel without IPVS (this machine's: DESIGN.md "Test environments"): it
 * says so with a typed error instead of failing later or crashing. Where the host has IPVS the
 * test skips; test/vm covers the client against a kernel that has it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import { IpvsError, IpvsUnavailableError } from '../../agent/linux/ipvs/ipvs-error.js';

const skip = existsSync('/proc/net/ip_vs') ? 'this kernel has IPVS loaded' : false;

test('opening the client without IPVS is an IpvsUnavailableError', { skip }, async () => {
  await assert.rejects(NetlinkIpvsClient.open({ requestTimeoutMs: 2000 }), (error: unknown) => {
    assert.ok(error instanceof IpvsUnavailableError);
    assert.ok(error instanceof IpvsError);
    assert.equal(error.errno, 'ENOENT');
    assert.match(error.message, /IPVS is not available in this kernel.*modprobe ip_vs/);
    return true;
  });
});
