/**
 * deploy/prometheus/prometheus.yml: `promtool check config` accepts it (with its rule files), and
 * its agent job really discovers the agents: `promtool check service-discovery` run against a
 * control plane on 127.0.0.1 (the same file, only the SD URL and the token file moved) lists
 * every director with a metrics address, labelled `site`, `director`, `instance`, with the
 * director's own labels mapped; with a wrong token it discovers nothing.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { serveTestControlPlane } from '../support/control-plane-http.js';
import { SITE } from '../support/fleet.js';
import { prerequisite } from '../support/tier.js';
import { REPO } from './rule-files.js';

const CONFIG = `${REPO}deploy/prometheus/prometheus.yml`;

const promtool = prerequisite(
  spawnSync('sh', ['-c', 'command -v promtool']).status === 0,
  'promtool is not installed (Debian package prometheus)',
);

interface ScrapeConfig {
  job_name: string;
  http_sd_configs?: { url: string; authorization: { credentials_file: string } }[];
  static_configs?: { targets: string[] }[];
}

function readConfig(): { rule_files: string[]; scrape_configs: ScrapeConfig[] } {
  return parse(readFileSync(CONFIG, 'utf8'));
}

test('promtool check config accepts prometheus.yml and its rule files', { skip: promtool }, () => {
  const result = spawnSync('promtool', ['check', 'config', CONFIG], { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, output);
  assert.match(output, /SUCCESS: 1 rule files found/);
});

test('the two jobs the alert rules expect, the agents found through the control plane', () => {
  const jobs = readConfig().scrape_configs;
  assert.deepEqual(jobs.map((j) => j.job_name).sort(), ['fleetlb-agent', 'fleetlb-control-plane']);
  const agents = jobs.find((j) => j.job_name === 'fleetlb-agent')!;
  assert.match(agents.http_sd_configs?.[0]?.url ?? '', /\/v1\/prometheus\/targets$/);
  assert.equal(agents.http_sd_configs?.[0]?.authorization.credentials_file, 'secrets/sd-token');
});

/** Runs the agent job's discovery of a copy of prometheus.yml aimed at `url` with `token`. */
async function discover(url: string, token: string): Promise<{ labels: Record<string, string> }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-sd-'));
  try {
    const config = readConfig();
    const agents = config.scrape_configs.find((j) => j.job_name === 'fleetlb-agent')!;
    agents.http_sd_configs![0]!.url = `${url}/v1/prometheus/targets`;
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'sd-token'), `${token}\n`);
    writeFileSync(join(dir, 'prometheus.yml'), stringify({ ...config, rule_files: [] }));
    // Asynchronous: the control plane answers from this very process.
    const { stdout } = await promisify(execFile)('promtool', [
      'check',
      'service-discovery',
      '--timeout=5s',
      join(dir, 'prometheus.yml'),
      'fleetlb-agent',
    ]);
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  'the agent job discovers every director through the control plane',
  { skip: promtool },
  async () => {
    const served = await serveTestControlPlane(); // site ams1: lb1 and lb2 with metrics addresses
    try {
      const { cp } = served;
      const patched = await cp.request('PATCH', `/v1/sites/${SITE}/directors/lb1`, {
        body: { labels: { rack: 'r12' } },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      assert.equal(patched.status, 200, patched.text);
      const targets = await discover(served.url, await cp.token('viewer'));
      // promtool lists the discovered targets in no fixed order (seen both ways in CI).
      const labels = targets
        .map(({ labels: l }) => ({
          job: l.job,
          instance: l.instance,
          site: l.site,
          director: l.director,
          director_rack: l.director_rack,
        }))
        .sort((a, b) => String(a.instance).localeCompare(String(b.instance)));
      assert.deepEqual(labels, [
        {
          job: 'fleetlb-agent',
          instance: '192.0.2.1:9500',
          site: SITE,
          director: 'lb1',
          director_rack: 'r12',
        },
        {
          job: 'fleetlb-agent',
          instance: '192.0.2.2:9500',
          site: SITE,
          director: 'lb2',
          director_rack: undefined,
        },
      ]);
      assert.deepEqual(await discover(served.url, 'flb_not-a-token'), []);
    } finally {
      await served.close();
    }
  },
);
