/**
 * @module The agent's entry point (`fleetlb-agent`): a document from a file (`--desired`, SIGHUP
 * re-reads it) or from the control plane (`--control-plane`, last-known-good kept in the state
 * directory); the crash guard, the rtnetlink watcher, the VRRP engine and, where the kernel has
 * it, IPVS. SIGTERM / SIGINT resign every mastership and exit (IPVS entries stay). Logs are JSON
 * lines (pino) on stdout; each transition carries `wallMs`, a sub-millisecond wall-clock time.
 */
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import type { DesiredState } from '../contract/desired-state.js';
import { parseAgentConfig, USAGE } from './config.js';
import { readDesiredFile } from './desired-file.js';
import { openAnnouncer } from './linux/announcer.js';
import { openRtnetlink } from './linux/rtnetlink/addresses.js';
import { RtnetlinkWatcher } from './linux/rtnetlink/watch.js';
import { runControlPlaneMode } from './runtime/control-plane-mode.js';
import { DirectorAgent } from './runtime/director-agent.js';
import { openIpvs } from './runtime/ipvs-setup.js';
import { parseListen, serveMetrics } from './runtime/metrics-server.js';
import { HealthRunner } from './health/runner.js';
import { createAgentMetrics } from './metrics/index.js';
import { LastKnownGood } from './runtime/last-known-good.js';
import { transitionStatus, vrrpStatus } from './runtime/status-snapshot.js';
import { VrrpEngine } from './vrrp/engine.js';
import { GuardClient } from './vrrp/guard/client.js';

const VERSION = '0.1.0';
const parsed = parseAgentConfig(process.argv.slice(2));
if (parsed.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if ('error' in parsed) {
  process.stderr.write(`fleetlb-agent: ${parsed.error}\n\n${USAGE}`);
  process.exit(2);
}
const { config } = parsed;
let fileDocument: DesiredState | undefined;
if (config.desiredPath !== undefined) {
  const desired = await readDesiredFile(config.desiredPath);
  if (!desired.ok) {
    process.stderr.write(
      `fleetlb-agent: invalid desired state:\n  ${desired.problems.join('\n  ')}\n`,
    );
    process.exit(1);
  }
  if (config.checkConfig) {
    process.stdout.write(`${config.desiredPath}: valid\n`);
    process.exit(0);
  }
  fileDocument = desired.document;
}
const startedAt = new Date().toISOString();

const logger = pino({
  level: config.logLevel,
  base: fileDocument ? { director: fileDocument.director.name } : {},
});
const guard = config.guard ? new GuardClient((message) => logger.warn({}, message)) : undefined;
guard?.start();
await guard?.ready;
const rtnetlink = openRtnetlink();
const announcer = openAnnouncer();
const engine = new VrrpEngine({
  rtnetlink,
  announcer,
  guard,
  logger,
  now: () => performance.now(),
});
engine.on('transition', (t) => {
  logger.info({ event: 'transition', ...t, wallMs: performance.timeOrigin + t.at }, 'transition');
});
const watcher = new RtnetlinkWatcher();
watcher.on('link', (link) => engine.linkChanged(link));
watcher.on('childExit', (exit) => {
  logger.warn(
    { ...exit, restarts: watcher.restarts },
    'rtnetlink watcher died; restarting and resyncing',
  );
});
watcher.on('resync', () => {
  void rtnetlink.listLinks().then((links) => links.forEach((link) => engine.linkChanged(link)));
});
watcher.start();
await mkdir(config.stateDir, { recursive: true });
const ipvs = await openIpvs(config.stateDir, logger);
const lastKnownGood = new LastKnownGood(config.stateDir);
const metrics = createAgentMetrics({ version: VERSION });
metrics.config.setIpvsAvailable(ipvs !== undefined);
engine.on('transition', (t) => metrics.vrrp.transition(t, performance.timeOrigin + t.at));
const health = new HealthRunner({
  onChange: ({ virtualServer, realServer, health: h }) => {
    logger.info(
      { event: 'health', virtualServer, realServer, up: h.up, reasons: h.downReasons },
      `real server ${h.up ? 'up' : 'down'}`,
    );
    metrics.health.setRealServerState(virtualServer, realServer, h.up ? 'up' : 'down');
    agent.healthChanged();
  },
});
// Only control-plane mode keeps a last-known-good copy: a file is its own last known good.
const keep = fileDocument ? undefined : lastKnownGood;
const agent = new DirectorAgent(engine, ipvs?.reconciler, keep, health, (document) => {
  metrics.vrrp.syncInstances(document.vrrpInstances);
  metrics.ipvs.syncDocument(document.virtualServers);
  metrics.health.syncDocument(document.virtualServers);
  metrics.config.applied(document.revision);
});
health.start();
const listen = config.metricsListen === undefined ? undefined : parseListen(config.metricsListen);
const metricsServer = listen
  ? await serveMetrics(listen, metrics.registry, () => agent.applied !== undefined)
  : undefined;
let controlPlane: Awaited<ReturnType<typeof runControlPlaneMode>> | undefined;
if (fileDocument) {
  const result = await agent.apply(fileDocument);
  if (!result.ok) {
    logger.fatal({ problems: result.problems }, 'cannot run this document here');
    await engine.stop();
    process.exit(1);
  }
} else {
  controlPlane = await runControlPlaneMode({
    url: config.controlPlaneUrl!,
    tokenFile: config.tokenFile!,
    agent,
    lastKnownGood,
    logger,
    snapshot: () => ({
      appliedRevision: agent.applied?.revision ?? null,
      agent: { version: VERSION, startedAt, ipvsAvailable: ipvs !== undefined },
      vrrp: vrrpStatus(engine),
    }),
  });
  engine.on('transition', (t) => controlPlane?.reporter.addTransition(transitionStatus(t)));
}
for (const [instance, error] of engine.failed) logger.error({ instance, error }, 'not running');
logger.info(
  { instances: [...engine.instances.keys()], guardPid: guard?.pid, ipvs: ipvs !== undefined },
  'fleetlb-agent started',
);

// SIGHUP re-reads the document: unchanged instances run on untouched, an invalid document is
// refused and the one in force stays.
let reloading = Promise.resolve();
process.on('SIGHUP', () => {
  reloading = reloading.then(async () => {
    if (config.desiredPath === undefined) return; // control-plane mode: the poll brings changes
    const next = await readDesiredFile(config.desiredPath);
    if (!next.ok) {
      logger.error(
        { problems: next.problems },
        'reload refused: invalid desired state; keeping the one in force',
      );
      return;
    }
    const result = await agent.apply(next.document);
    if (!result.ok) {
      logger.error({ problems: result.problems }, 'reload refused; keeping the one in force');
      return;
    }
    for (const [instance, error] of engine.failed) logger.error({ instance, error }, 'not running');
    logger.info(
      { revision: next.document.revision, instances: [...engine.instances.keys()] },
      'reloaded',
    );
  });
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  await reloading;
  const stopped = engine.stop(); // first: the resignations leave before anything is logged
  const loopsStopped = Promise.all([
    controlPlane?.client.stop(),
    ipvs?.reconciler.stop(),
    health.stop(),
  ]);
  metricsServer?.close();
  logger.info({ signal }, 'shutting down: resigning mastership');
  await stopped;
  logger.info(
    { event: 'stats', drops: Object.fromEntries(engine.drops) },
    'VRRP packets dropped, by reason',
  );
  await loopsStopped;
  await controlPlane?.reporter.stop();
  ipvs?.client.close();
  await Promise.all([guard?.close(), watcher.close()]);
  rtnetlink.close();
  announcer.close();
  logger.info({}, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
