/** @module A small site used by the API tests: two directors, one VRRP instance, one VS, two RS. */
import type { TestControlPlane } from './control-plane.js';

export const SITE = 'ams1';

export async function seedSite(cp: TestControlPlane, site = SITE): Promise<void> {
  const steps: [string, string, unknown][] = [
    ['POST', '/v1/sites', { name: site, labels: { region: 'eu' } }],
    [
      'POST',
      `/v1/sites/${site}/directors`,
      { name: 'lb1', address: '192.0.2.1', metricsAddress: '192.0.2.1:9500' },
    ],
    [
      'POST',
      `/v1/sites/${site}/directors`,
      { name: 'lb2', address: '192.0.2.2', metricsAddress: '192.0.2.2:9500' },
    ],
    [
      'POST',
      `/v1/sites/${site}/vrrp-instances`,
      {
        name: 'web',
        vrid: 51,
        interface: 'eth0',
        vips: [{ address: '192.0.2.100', prefixLength: 24 }],
        members: [
          { director: 'lb1', priority: 150 },
          { director: 'lb2', priority: 100 },
        ],
      },
    ],
    [
      'POST',
      `/v1/sites/${site}/virtual-servers`,
      {
        name: 'web-http',
        vrrpInstance: 'web',
        address: '192.0.2.100',
        port: 80,
        protocol: 'tcp',
        scheduler: 'wrr',
      },
    ],
    [
      'POST',
      `/v1/sites/${site}/virtual-servers/web-http/real-servers`,
      {
        name: 'web1',
        address: '198.51.100.11',
        port: 8080,
        weight: 10,
        labels: { app: 'web', version: 'v1' },
        checks: [{ type: 'http', path: '/health' }],
      },
    ],
    [
      'POST',
      `/v1/sites/${site}/virtual-servers/web-http/real-servers`,
      {
        name: 'web2',
        address: '198.51.100.12',
        port: 8080,
        weight: 10,
        labels: { app: 'web', version: 'v2' },
      },
    ],
  ];
  for (const [method, path, body] of steps) {
    const res = await cp.request(method, path, { body });
    if (res.status !== 201) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  }
}
