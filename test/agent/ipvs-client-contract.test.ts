/** The shared IpvsClient suite, in-process: the real client over the fake kernel, and the client-level fake. */
import { NetlinkIpvsClient } from '../../agent/linux/ipvs/netlink-ipvs-client.js';
import { FakeIpvsClient } from '../support/fake-ipvs-client.js';
import { ipvsClientContract } from '../support/ipvs-client-contract.js';
import { FakeGenericNetlink } from '../support/netlink/fake-generic-netlink.js';
import { FakeIpvsKernel } from '../support/netlink/fake-ipvs-kernel.js';

ipvsClientContract('NetlinkIpvsClient over the fake generic-netlink kernel', async () => {
  const netlink = new FakeGenericNetlink();
  new FakeIpvsKernel(netlink);
  // Small batches and windows, so the suite's table spans several of each.
  return NetlinkIpvsClient.open({ openTransport: netlink.open, batchSize: 4, applyWindow: 8 });
});

ipvsClientContract('FakeIpvsClient', async () => new FakeIpvsClient());
