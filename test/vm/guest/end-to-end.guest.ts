/**
 * @module Guest side of test/vm/end-to-end.test.ts, run INSIDE the VM (real IPVS): PostgreSQL,
 * the control plane, two fleetlb agents on two director namespaces of one segment, two HTTP/echo
 * real servers and a client. The tests run in order on one shared lab (site-lab.ts): the site
 * applied and served, a weight change, a drain with drain-and-wait, a real server killed and
 * restarted, the control plane down (and an agent restarted from last-known-good), a malformed
 * document, kill -9 of the master agent, and a keepalived.conf of the same site run standalone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import { allPanelQueries, interpolate } from '../../../dashboards/index.js';
import { LabAgent } from '../../support/vrrp-lab.js';
import {
  apiClient,
  ControlPlaneProcess,
  startPostgres,
  stopPostgres,
  type Api,
} from './lab/control-plane-lab.js';
import {
  children,
  eventually,
  exited,
  holdConnection,
  lineReader,
  runClient,
  spawnIn,
} from './lab/processes.js';
import { query, startPrometheus } from './lab/prometheus-lab.js';
import { agentToken, CHECK, keepalivedConf, seedSite } from './lab/site-seed.js';
import {
  CP_ADDRESS,
  CP_URL,
  ECHO_PORT,
  holdsVip,
  hostNamed,
  HTTP_PORT,
  ipvsRules,
  ipvsWeights,
  ns,
  sh,
  SITE,
  TEARDOWN,
  topologyScript,
  VIP,
} from './lab/site-lab.js';
import { guestPrerequisite } from '../../support/vm/guest-tier.js';

const template = process.env.FLEETLB_PG_TEMPLATE;
const pgBin = process.env.FLEETLB_PG_BIN;
const skip = guestPrerequisite('test/vm/end-to-end.test.ts', [
  template !== undefined && pgBin !== undefined,
  'FLEETLB_PG_TEMPLATE / FLEETLB_PG_BIN not set',
]);

const AGENT_BIN = new URL('../../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;
const CLIENT = ns('client');
const dirOf = (director: string): string => `/tmp/e2e/${director}`;
/** Well under the agents' 30 s re-poll and IPVS resync: a change this fast came by the push. */
const PUSHED_WITHIN_MS = 6_000;

const started: LabAgent[] = [];
/** The agent running on each director now. */
const agentsByName = new Map<string, LabAgent>();
const controlPlane = new ControlPlaneProcess();

/** Every agent's log into the results share (seen on the host under .cache/vm/runs/). */
function saveLogs(): void {
  const results = process.env.FLEETLB_VM_RESULTS;
  if (results === undefined) return;
  started.forEach((a, i) => {
    const lines = [...a.lines.map((l) => JSON.stringify(l)), ...a.stderr];
    writeFileSync(`${results}/agent-${i}-${a.host}.log`, `${lines.join('\n')}\n`);
  });
  writeFileSync(`${results}/control-plane.log`, `${controlPlane.log.join('\n')}\n`);
}

/**
 * The agent of `director` in its namespace, with its JSON log collected. Waits on a fresh agent
 * allow 150 s: under emulation a start (node, tsx, the guard and watcher children) has taken
 * over a minute.
 */
function startAgent(director: string, args: readonly string[]): LabAgent {
  const child = spawn('ip', ['netns', 'exec', ns(director), process.execPath, AGENT_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const agent = new LabAgent(director, child);
  started.push(agent);
  return agent;
}

const controlPlaneArgs = (director: string, url = CP_URL): string[] => [
  ...['--control-plane', url, '--token-file', `${dirOf(director)}/token`],
  ...['--state-dir', `${dirOf(director)}/state`],
  ...['--metrics-listen', `${hostNamed(director).address}:9500`],
];

async function stopAgent(agent: LabAgent, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (agent.process.exitCode !== null || agent.process.signalCode !== null) return;
  agent.process.kill(signal);
  await once(agent.process, 'exit');
}

/**
 * A backend stops by itself after this: as long as the VM may run (end-to-end.test.ts), since one
 * that exits mid-suite is a real server going down (a 15-minute limit did, in a 17-minute run).
 */
const BACKEND_TTL_MS = 1_500_000;

async function startBackend(name: string) {
  const args = ['--name', name, '--http', `${HTTP_PORT}`, '--echo', `${ECHO_PORT}`];
  const ttl = ['--ttl', `${BACKEND_TTL_MS}`];
  const child = spawnIn(ns(name), 'backend.mjs', [...args, ...ttl], BACKEND_TTL_MS + 10_000);
  assert.equal(await lineReader(child, `backend ${name}`)(60_000), `ready ${name}`);
  return child;
}

/** Milliseconds until `probe` holds, polling as fast as the commands allow. */
async function msUntil(probe: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const startedAt = performance.now();
  await eventually(async () => ((await probe()) ? true : undefined), what, timeoutMs);
  return performance.now() - startedAt;
}

/**
 * When `director` applied `realServer` going up/down on both virtual servers: the time (its log's)
 * of the first IPVS round after the later of the two health changes since `sinceMs`.
 */
async function appliedHealth(director: string, realServer: string, up: boolean, sinceMs: number) {
  const agent = agentsByName.get(director)!;
  const changed = await Promise.all(
    ['web-http', 'echo'].map(async (vs) => {
      const line = await agent.waitFor(
        (l) =>
          l.event === 'health' &&
          l.virtualServer === vs &&
          l.realServer === realServer &&
          l.up === up &&
          Number(l.time) >= sinceMs,
        30_000,
        `${vs}/${realServer} ${up ? 'up' : 'down'}`,
      );
      return Number(line.time);
    }),
  );
  const after = Math.max(...changed);
  const round = await agent.waitFor(
    (l) => l.msg === 'IPVS reconciled' && Number(l.time) >= after,
    30_000,
    'the IPVS round after the health change',
  );
  return Number(round.time);
}

const bothDirectors = async (probe: (director: string) => Promise<boolean>) =>
  (await Promise.all(['d1', 'd2'].map(probe))).every(Boolean);

const entriesOf = async (director: string, realServer: string) =>
  [...(await ipvsWeights(director))].filter(
    ([k]) =>
      k.endsWith(`-> ${hostNamed(realServer).address}:${HTTP_PORT}`) ||
      k.endsWith(`-> ${hostNamed(realServer).address}:${ECHO_PORT}`),
  );

describe('fleetlb end to end: control plane, two agents, real IPVS and traffic', { skip }, () => {
  const cp = controlPlane;
  const agents = agentsByName;
  const backends = new Map<string, Awaited<ReturnType<typeof startBackend>>>();
  let api: Api;
  let token = '';

  before(async () => {
    const t0 = performance.now();
    const step = (what: string) =>
      console.error(`e2e: ${what} at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await sh(topologyScript());
    step('topology');
    await startPostgres(template!, pgBin!);
    step('postgres');
    await cp.start();
    token = cp.firstToken ?? assert.fail('the control plane printed no first admin token');
    api = apiClient(token);
    step('control plane serving');
    await seedSite(api);
    step('site seeded');
    for (const director of ['d1', 'd2']) {
      mkdirSync(`${dirOf(director)}/state`, { recursive: true });
      writeFileSync(`${dirOf(director)}/token`, `${await agentToken(api, director)}\n`);
    }
    for (const name of ['r1', 'r2']) backends.set(name, await startBackend(name));
    step('backends ready');
    for (const director of ['d1', 'd2']) {
      agents.set(director, startAgent(director, controlPlaneArgs(director)));
    }
  });

  afterEach(saveLogs); // kept in the results share even if the VM is killed later

  after(async () => {
    saveLogs();
    try {
      await Promise.all([...agents.values()].map((a) => stopAgent(a)));
      await cp.stop();
      for (const child of children) child.kill('SIGKILL');
      await Promise.all([...children].map(exited));
    } finally {
      await stopPostgres(pgBin!);
      await sh(TEARDOWN).catch(() => '');
    }
  });

  const agent = (director: string): LabAgent => agents.get(director)!;

  test('both agents apply the site; d1 is MASTER; traffic through the VIP reaches both real servers', async () => {
    await agent('d1').waitForState('web', 'master', 180_000);
    await agent('d2').waitForState('web', 'backup', 150_000);
    const started = await agent('d1').waitFor(
      (l) => l.msg === 'fleetlb-agent started',
      30_000,
      'start',
    );
    assert.equal(started.runsFrom, 'build', 'the agent runs as it ships: built (npm run build)');
    await msUntil(
      () => bothDirectors(async (d) => [...(await ipvsWeights(d)).values()].length === 4),
      'both directors programmed (2 virtual servers × 2 real servers)',
      150_000,
    );
    await msUntil(async () => (await holdsVip('d1')) && !(await holdsVip('d2')), 'VIP on d1 only');
    // Under emulation d2 may have been master for a moment while d1 started: forget its MAC.
    await sh(`ip -n ${CLIENT} neigh flush all`);
    const report = await runClient(CLIENT, `http://${VIP}:${HTTP_PORT}/`, 20);
    assert.deepEqual(Object.keys(report.answers).sort(), ['r1', 'r2']);
    await msUntil(
      async () => {
        const { body } = await api('GET', `/v1/sites/${SITE}/directors-status`);
        const directors = (body as { directors: { name: string; behind: boolean }[] }).directors;
        return directors.length === 2 && directors.every((d) => !d.behind);
        // The control plane's first reports start its parsing worker thread, which under emulation
        // takes tens of seconds to load: a start-up bound, not a latency.
      },
      'both directors report the current revision',
      120_000,
    );
  });

  /**
   * Sets r2's weight through the API and waits until both kernels have it. Returns how long the
   * API took and when both kernels had it, counted from the API's answer, with each agent's
   * stages (document received, applied, IPVS round) from its log, to show where the time went.
   */
  async function changeWeightOfR2(weight: number) {
    const calledAt = Date.now();
    await api('POST', `/v1/sites/${SITE}/real-servers/weight?selector=host%3Dr2`, { weight });
    const acceptedAt = Date.now();
    const at = (ms: number) => Math.round(ms - acceptedAt);
    const stages = await Promise.all(
      ['d1', 'd2'].map(async (d) => {
        const applied = await agent(d).waitFor(
          (l) => l.msg === 'document applied' && Number(l.time) >= calledAt,
          10_000,
          `the document with weight ${weight} applied`,
        );
        const round = await agent(d).waitFor(
          (l) => l.msg === 'IPVS reconciled' && Number(l.time) >= Number(applied.receivedAtMs),
          10_000,
          `the IPVS round that applies weight ${weight}`,
        );
        const roundEnd = Number(round.time);
        return {
          reconciledAt: roundEnd,
          text:
            `${d} received ${at(Number(applied.receivedAtMs))}, applied ${at(Number(applied.time))}, ` +
            `round ${at(roundEnd - Number(round.durationMs))}..${at(roundEnd)}`,
        };
      }),
    );
    assert.ok(
      await bothDirectors(async (d) => (await entriesOf(d, 'r2')).every(([, w]) => w === weight)),
      `weight ${weight} for r2 in both kernels`,
    );
    const inKernelsMs = at(Math.max(...stages.map((s) => s.reconciledAt)));
    const summary =
      `the API took ${acceptedAt - calledAt} ms, then both kernels had it ${inKernelsMs} ms ` +
      `later (ms after the API's answer: ${stages.map((s) => s.text).join('; ')})`;
    return { inKernelsMs, summary };
  }

  test('a weight change through the API is pushed into the kernel of both directors at once', async () => {
    // What is asserted is the behaviour: the change reaches both kernels by the long-poll push
    // (the agents' re-poll and the IPVS resync come every 30 s; without the push nothing would
    // move for that long). How fast is measured, not asserted (timing targets live in bench/).
    // The one-second target is a native figure: the control plane's part is p99 80 ms at 100
    // agents (bench:control-plane) and the IPVS weight change itself a median 0.6 ms even
    // emulated (bench:ipvs). Here one emulated core runs PostgreSQL, the control plane, two
    // agents, the real servers and this test, and the whole path has taken 0.6 to 2.1 s; the
    // figure and where it went are printed. The first two changes warm up the code paths.
    for (const weight of [3, 4]) {
      console.log(`weight change (warm-up): ${(await changeWeightOfR2(weight)).summary}`);
    }
    const { inKernelsMs, summary } = await changeWeightOfR2(5);
    console.log(`weight change: ${summary}`);
    assert.ok(
      inKernelsMs < PUSHED_WITHIN_MS,
      `took ${inKernelsMs} ms after the API accepted it: not the push`,
    );
  });

  test('a drain stops new connections to r1, the open one finishes, and drain-and-wait returns when it has', async () => {
    // A held connection on r1 (rr alternates; try a few).
    let held: Awaited<ReturnType<typeof holdConnection>> | undefined;
    for (let i = 0; i < 6 && held === undefined; i += 1) {
      const conn = await holdConnection(CLIENT, VIP, ECHO_PORT);
      if ((await conn.say('hello')).startsWith('r1 ')) held = conn;
      else await conn.close();
    }
    assert.ok(held, 'no connection landed on r1');
    let settledAt: number | undefined;
    const drain = api(
      'POST',
      `/v1/sites/${SITE}/virtual-servers/echo/real-servers/r1/drain?wait=60`,
      undefined,
      [200, 202],
    ).then((response) => ((settledAt = performance.now()), response));
    await msUntil(
      () =>
        bothDirectors(async (d) =>
          (await entriesOf(d, 'r1')).some(([k, w]) => k.includes(`:${ECHO_PORT} ->`) && w === 0),
        ),
      'r1 at weight 0 for echo in both kernels',
    );
    const fresh = await runClient(CLIENT, `tcp://${VIP}:${ECHO_PORT}`, 6);
    assert.deepEqual(
      Object.keys(fresh.answers),
      ['r2'],
      'new connections avoid the drained server',
    );
    assert.equal(await held.say('still there'), 'r1 still there', 'the open connection goes on');
    await sleep(1500);
    assert.equal(settledAt, undefined, 'drain-and-wait returned while a connection was open');
    const closedAt = performance.now();
    assert.equal(await held.close(), 0);
    const response = await drain;
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal((response.body as { drained: boolean }).drained, true);
    assert.ok(settledAt! >= closedAt);
    console.log(`drain-and-wait returned ${(settledAt! - closedAt).toFixed(0)} ms after the close`);
    await api('POST', `/v1/sites/${SITE}/virtual-servers/echo/real-servers/r1/restore`);
    await msUntil(
      () => bothDirectors(async (d) => (await entriesOf(d, 'r1')).every(([, w]) => w === 1)),
      'r1 restored in both kernels',
    );
  });

  test('a killed real server is taken out within fall × interval and back within rise × interval', async () => {
    // Timed from the agents' own logs (health change, then the IPVS round that applied it), so
    // the polling of ipvsadm under emulation does not count; the kernels are checked after.
    const slackMs = CHECK.intervalMs; // a probe's phase and timeout, the reconcile round
    const killedAt = Date.now();
    backends.get('r2')!.kill('SIGKILL');
    await exited(backends.get('r2')!);
    const outMs =
      (await Promise.all(['d1', 'd2'].map((d) => appliedHealth(d, 'r2', false, killedAt)))).reduce(
        (a, b) => Math.max(a, b),
      ) - killedAt;
    await msUntil(
      () => bothDirectors(async (d) => (await entriesOf(d, 'r2')).length === 0),
      'r2 out of both kernels',
    );
    console.log(`r2 down: out of both kernels ${outMs} ms after the kill`);
    assert.ok(outMs <= CHECK.fall * CHECK.intervalMs + slackMs, `${outMs} ms`);
    const report = await runClient(CLIENT, `http://${VIP}:${HTTP_PORT}/`, 6);
    assert.deepEqual(Object.keys(report.answers), ['r1']);

    backends.set('r2', await startBackend('r2'));
    const readyAt = Date.now();
    const backMs =
      (await Promise.all(['d1', 'd2'].map((d) => appliedHealth(d, 'r2', true, readyAt)))).reduce(
        (a, b) => Math.max(a, b),
      ) - readyAt;
    await msUntil(
      () => bothDirectors(async (d) => (await entriesOf(d, 'r2')).length === 2),
      'r2 back in both kernels',
    );
    console.log(`r2 up: back in both kernels ${backMs} ms after it answered again`);
    assert.ok(backMs <= CHECK.rise * CHECK.intervalMs + slackMs, `${backMs} ms`);
  });

  test('control plane stopped: nothing changes on the directors; an agent restarted meanwhile boots from last-known-good', async (t) => {
    const before = { d1: await ipvsRules('d1'), d2: await ipvsRules('d2') };
    await cp.stop();
    t.after(() => cp.start()); // whatever happens here, the next tests have a control plane
    await sleep(3000);
    assert.equal(await ipvsRules('d1'), before.d1);
    assert.equal(await ipvsRules('d2'), before.d2);
    assert.ok(await holdsVip('d1'));

    await stopAgent(agent('d2'));
    assert.equal(await ipvsRules('d2'), before.d2, 'IPVS entries stay across a restart');
    agents.set('d2', startAgent('d2', controlPlaneArgs('d2')));
    await agent('d2').waitFor(
      (l) => l.msg === 'document applied' && l.source === 'last-known-good',
      150_000,
      'document applied from last-known-good',
    );
    await agent('d2').waitForState('web', 'backup', 30_000);
    await agent('d2').waitFor((l) => l.msg === 'control plane unreachable', 30_000, 'poll failing');
    await sleep(1000);
    assert.equal(await ipvsRules('d2'), before.d2);
    assert.equal(await ipvsRules('d1'), before.d1);
    assert.ok(await holdsVip('d1'));
  });

  test('a malformed document from a (stand-in) control plane is refused and the one in force stays', async () => {
    const before = await ipvsRules('d2');
    const statuses: { rejected?: { revision: number; reasons: { path: string }[] } }[] = [];
    const fake = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url?.startsWith('/v1/agent/config') && req.headers['if-none-match'] === '"999"') {
          setTimeout(() => res.writeHead(304).end(), 1000); // a long poll: nothing newer
        } else if (req.url?.startsWith('/v1/agent/config')) {
          const bad = {
            apiVersion: 'fleetlb/v1',
            kind: 'DirectorConfig',
            site: SITE,
            director: { name: 'd2', address: hostNamed('d2').address },
            revision: 999,
            vrrpInstances: 'not a list',
            virtualServers: [],
          };
          res.writeHead(200, { 'content-type': 'application/json', etag: '"999"' });
          res.end(JSON.stringify(bad));
        } else {
          statuses.push(JSON.parse(body) as (typeof statuses)[number]);
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((r) => fake.listen(8081, CP_ADDRESS, r));
    try {
      await stopAgent(agent('d2'));
      agents.set('d2', startAgent('d2', controlPlaneArgs('d2', `http://${CP_ADDRESS}:8081`)));
      await agent('d2').waitFor((l) => l.msg.startsWith('document refused'), 150_000, 'a refusal');
      await eventually(
        async () => (statuses.some((s) => s.rejected?.revision === 999) ? true : undefined),
        'a status report with the rejection',
      );
      const rejected = statuses.find((s) => s.rejected)!.rejected!;
      assert.ok(rejected.reasons.some((r) => r.path.includes('vrrpInstances')));
      assert.equal(await ipvsRules('d2'), before, 'the document in force stays');
      assert.ok(await holdsVip('d1'));
    } finally {
      await stopAgent(agent('d2'));
      fake.closeAllConnections();
      await new Promise((r) => fake.close(r));
      // Back on the real control plane whatever happened, so a failure here stays here.
      agents.set('d2', startAgent('d2', controlPlaneArgs('d2')));
    }
    await agent('d2').waitForState('web', 'backup', 150_000);
    assert.equal(await ipvsRules('d2'), before);
  });

  test("kill -9 of the MASTER agent: the backup takes over and the dead director's VIP goes", async () => {
    agent('d1').process.kill('SIGKILL');
    await agent('d2').waitForState('web', 'master', 30_000);
    await msUntil(async () => (await holdsVip('d2')) && !(await holdsVip('d1')), 'VIP moved to d2');
    const report = await runClient(CLIENT, `http://${VIP}:${HTTP_PORT}/`, 10);
    assert.deepEqual(Object.keys(report.answers).sort(), ['r1', 'r2']);
  });

  test('Prometheus with the shipped configuration scrapes the fleet; every dashboard query parses and returns data', async () => {
    await startPrometheus(token);
    const agentsUp = (n: number) =>
      eventually(
        async () => {
          const r = await query('count(up{job="fleetlb-agent", site="e2e"} == 1)');
          const value = (r.data?.result[0] as { value?: [number, string] } | undefined)?.value;
          return value?.[1] === String(n) ? true : undefined;
        },
        `${n} agent(s) discovered through the control plane and scraped`,
        90_000,
      );
    await agentsUp(1);
    // d1 comes back while Prometheus watches: it preempts d2, a failover the dashboards show.
    agents.set('d1', startAgent('d1', controlPlaneArgs('d1')));
    await agent('d1').waitForState('web', 'master', 150_000);
    await agentsUp(2);
    // The VIP as the kernel shows it on d1 (rtnetlink), scraped: what "Current VIP owners" reads.
    await eventually(
      async () => {
        const r = await query('fleetlb_vip_owned{site="e2e", director="d1"} == 1');
        return (r.data?.result.length ?? 0) > 0 ? true : undefined;
      },
      "d1's VIP ownership scraped",
      60_000,
    );
    await api('GET', `/v1/sites/${SITE}/directors/nope`, undefined, [404]); // an API error
    await sleep(5000); // a few samples for the rates
    const values = {
      ...{ site: SITE, director: '.*', vrrp_instance: '.*', virtual_server: '.*' },
      ...{ replica: '.*', route: '.*', datasource: 'prometheus' },
      ...{ __rate_interval: '30s', __interval: '5s', __range: '5m' },
    };
    const failed: string[] = [];
    const queries = allPanelQueries();
    const where = (q: (typeof queries)[number]) => `${q.dashboard} / ${q.panel} [${q.refId}]`;
    // A query without data is asked again for a minute: one slow scrape under emulation makes a
    // target's series stale until the next one, and that is not what this test is about.
    let pending = queries;
    const retryUntil = performance.now() + 60_000;
    do {
      const stillEmpty: typeof queries = [];
      for (const q of pending) {
        const result = await query(interpolate(q.expr, values));
        if (result.status !== 'success') failed.push(`${where(q)}: ${result.error}`);
        else if ((result.data?.result.length ?? 0) === 0) stillEmpty.push(q);
      }
      if (stillEmpty.length > 0) await sleep(2000); // the next scrape
      pending = stillEmpty;
    } while (pending.length > 0 && performance.now() < retryUntil);
    const empty = pending.map(where);
    console.log(`dashboards: ${queries.length} queries, ${empty.length} without data`);
    assert.deepEqual(failed, [], 'every query parses and runs');
    assert.deepEqual(empty, [], 'every query returns data');
  });

  test('a keepalived.conf of the same site, run standalone, gives the same kernel state', async () => {
    await api('POST', `/v1/sites/${SITE}/real-servers/weight?selector=host%3Dr2`, { weight: 1 });
    await msUntil(
      async () => (await entriesOf('d2', 'r2')).every(([, w]) => w === 1),
      'd2 back at weight 1 for r2',
    );
    const dir = dirOf('d3');
    mkdirSync(`${dir}/state`, { recursive: true });
    writeFileSync(`${dir}/keepalived.conf`, keepalivedConf());
    const standalone = [
      '--keepalived-conf',
      `${dir}/keepalived.conf`,
      '--state-dir',
      `${dir}/state`,
    ];

    const dry = await sh(
      `ip netns exec ${ns('d3')} ${process.execPath} ${AGENT_BIN} ${standalone.join(' ')} --dry-run`,
      300_000, // a cold start under emulation
    );
    assert.equal(dry.split('\n').filter((l) => /^ipvsadm -[Aa] /.test(l)).length, 6, dry);
    assert.equal(await ipvsRules('d3'), '', '--dry-run changed nothing');

    const d3 = startAgent('d3', [...standalone, '--ipvs-on-exit', 'remove']);
    agents.set('d3', d3);
    await d3.waitForState('web', 'backup', 150_000);
    await msUntil(
      async () => (await ipvsRules('d3')) === (await ipvsRules('d2')),
      'd3 (keepalived.conf) and d2 (control plane) programmed alike',
    );
    assert.equal(await ipvsRules('d3'), await ipvsRules('d2'));
    await stopAgent(d3);
    assert.equal(await ipvsRules('d3'), '', '--ipvs-on-exit remove');
  });
});
