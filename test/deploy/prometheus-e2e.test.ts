/**
 * The whole monitoring chain with a real Prometheus (Debian package prometheus): the shipped
 * prometheus.yml (only addresses, intervals and the token file changed) discovers two agents
 * through a running control plane, scrapes their real metrics endpoints (agent registries fed
 * the documents the control plane serves them) and the control plane itself, and evaluates the
 * shipped rules on what it scraped: every target is up with the labels `site` and `director`,
 * the VRRP instance whose members are both still INIT has no master, and only the director that
 * has not applied the site's latest revision is stale (a join across the two jobs on `site`).
 * Alerts are checked pending (their `for:` has not passed): what matters is that they evaluate.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { DesiredState } from '../../contract/desired-state.js';
import { createAgentMetrics } from '../../agent/metrics/index.js';
import { serveMetrics } from '../../agent/runtime/metrics-server.js';
import { serveTestControlPlane, type ServedControlPlane } from '../support/control-plane-http.js';
import { SITE } from '../support/fleet.js';
import { prerequisite } from '../support/tier.js';
import { freePort } from './free-port.js';
import { REPO, RULES_FILE } from './rule-files.js';

const skip = prerequisite(
  spawnSync('sh', ['-c', 'command -v prometheus']).status === 0,
  'prometheus is not installed (Debian package prometheus)',
);

let served: ServedControlPlane | undefined;
const agents: { server: { close(): void } }[] = [];
let prometheus: ChildProcess | undefined;
let dir = '';
let api = '';

/** Starts an agent metrics endpoint for `director`, fed the document the control plane serves it. */
async function startAgent(director: string) {
  const { cp } = served!;
  const token = await cp.token('agent', SITE, director);
  const res = await cp.request('GET', '/v1/agent/config', { token });
  const document = DesiredState.parse(res.body);
  const metrics = createAgentMetrics({ version: '0.1.0' });
  metrics.vrrp.syncInstances(document.vrrpInstances);
  metrics.ipvs.syncDocument(document.virtualServers);
  metrics.health.syncDocument(document.virtualServers);
  const server = await serveMetrics({ host: '127.0.0.1', port: 0 }, metrics.registry, () => true);
  agents.push({ server });
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const patched = await cp.request('PATCH', `/v1/sites/${SITE}/directors/${director}`, {
    body: { metricsAddress: address },
    headers: { 'content-type': 'application/merge-patch+json' },
  });
  assert.equal(patched.status, 200, patched.text);
  return metrics;
}

before(async () => {
  if (skip) return;
  served = await serveTestControlPlane(); // site ams1: directors lb1, lb2, VRRP instance web
  const { cp } = served;
  const lb1 = await startAgent('lb1');
  const lb2 = await startAgent('lb2');
  const revision = (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision as number;
  lb1.config.applied(revision);
  lb2.config.applied(revision - 1);
  dir = mkdtempSync(join(tmpdir(), 'fleetlb-prometheus-'));
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'sd-token'), `${await cp.token('viewer')}\n`);
  const config = parse(readFileSync(`${REPO}deploy/prometheus/prometheus.yml`, 'utf8'));
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = [RULES_FILE];
  const host = new URL(served.url).host;
  for (const job of config.scrape_configs) {
    for (const sc of job.static_configs ?? []) sc.targets = [host];
    for (const sd of job.http_sd_configs ?? []) {
      sd.url = `${served.url}/v1/prometheus/targets`;
      sd.refresh_interval = '1s';
    }
  }
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  api = `http://127.0.0.1:${port}/api/v1`;
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
});

after(async () => {
  if (prometheus && prometheus.exitCode === null) {
    prometheus.kill('SIGTERM');
    await once(prometheus, 'exit');
  }
  for (const agent of agents) agent.server.close();
  await served?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Prometheus API JSON
type Json = any;

/** Polls `path` of the Prometheus API until `done` accepts its data (or 90 s have passed). */
async function until(path: string, done: (data: Json) => boolean): Promise<Json> {
  let last: Json;
  for (let attempt = 0; attempt < 180; attempt += 1) {
    try {
      last = ((await (await fetch(`${api}${path}`)).json()) as Json).data;
      if (done(last)) return last;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  assert.fail(`${path}: never as expected; last answer ${JSON.stringify(last)}`);
}

const query = (expr: string) => `/query?query=${encodeURIComponent(expr)}`;

test('Prometheus discovers and scrapes every agent and the control plane', { skip }, async () => {
  const data = await until('/targets', (d) => {
    const targets = d?.activeTargets ?? [];
    return targets.length === 3 && targets.every((t: Json) => t.health === 'up');
  });
  const labels = data.activeTargets
    .map((t: Json) => `${t.labels.job} ${t.labels.site ?? '-'} ${t.labels.director ?? '-'}`)
    .sort();
  assert.deepEqual(labels, [
    'fleetlb-agent ams1 lb1',
    'fleetlb-agent ams1 lb2',
    'fleetlb-control-plane - -',
  ]);
});

test('the rules evaluate on the scraped series', { skip }, async () => {
  const pending = (d: Json) =>
    d.result.map(
      (r: Json) => `${r.metric.alertname} ${r.metric.director ?? r.metric.vrrp_instance}`,
    );
  // Alerts evaluated before the first scrapes (absent series) may be pending for a moment:
  // wait for the settled set, then check it.
  const data = await until(query('ALERTS{alertstate="pending"}'), (d) => {
    const names: string[] = d ? pending(d) : [];
    return (
      names.includes('FleetlbVRRPNoMaster web') &&
      names.includes('FleetlbAgentConfigStale lb2') &&
      !names.some((n) => /AllAgentsDown|ControlPlaneDown|AgentDown|ConfigStale lb1/.test(n))
    );
  });
  const names: string[] = pending(data);
  assert.ok(!names.includes('FleetlbAgentConfigStale lb1'), names.join(', '));
  assert.ok(!names.some((n) => /AllAgentsDown|ControlPlaneDown|AgentDown/.test(n)), names.join());
  const masters = await until(query('fleetlb:vrrp_masters:count'), (d) => d?.result.length > 0);
  assert.deepEqual(
    masters.result.map((r: Json) => [r.metric.site, r.metric.vrrp_instance, r.value[1]]),
    [[SITE, 'web', '0']],
  );
});
