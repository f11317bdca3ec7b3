/**
 * @module The running agent: the crash guard, the rtnetlink watcher, the VRRP engine, IPVS where
 * the kernel has it (reconcile loop and counters), the health checks, metrics, and the document
 * source: a file (SIGHUP re-reads it) or the control plane (long-poll, last-known-good, status
 * reports). SIGTERM / SIGINT resign every mastership first, then send the control plane a last
 * status report saying so (within `LAST_REPORT_TIMEOUT_MS`), then stop the loops; IPVS entries
 * stay unless `--ipvs-on-exit remove`.
 */
import { hostScripts } from '../scripts/script-launcher.js';
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import type { DesiredState } from '../../contract/desired-state.js';
import type { AgentConfig } from '../config.js';
import { HealthRunner } from '../health/runner.js';
import { openAnnouncer } from '../linux/announcer.js';
import { openRtnetlink } from '../linux/rtnetlink/addresses.js';
import { RtnetlinkWatcher } from '../linux/rtnetlink/watch.js';
import { createAgentMetrics } from '../metrics/index.js';
import { AGENT_VERSION } from '../version.js';
import { VrrpEngine } from '../vrrp/engine.js';
import { GuardClient } from '../vrrp/guard/client.js';
import { runControlPlaneMode } from './control-plane-mode.js';
import { DirectorAgent } from './director-agent.js';
import { DrainWatch, drainingServers } from './drain-watch.js';
import { hostFirstDocumentPorts, reexecForFirstDocument } from './first-document.js';
import type { FileSource } from './file-source.js';
import { IpvsObserver } from './ipvs-observer.js';
import { openSyncDaemons } from './ipvs-sync-setup.js';
import { IpvsSyncController } from './ipvs-sync.js';
import { openIpvs } from './ipvs-setup.js';
import { RUNS_FROM } from '../linux/runs-from.js';
import { LastKnownGood } from './last-known-good.js';
import { LITE_MODE_OUTGROWN, outgrownLiteMode } from './lite-mode.js';
import { parseListen, serveMetrics } from './metrics-server.js';
import { realServerStatus } from './real-server-status.js';
import { statusErrors } from './status-errors.js';
import type { StatusSnapshot } from './status-reporter.js';
import { resignedStatus, transitionStatus, vrrpStatus } from './status-snapshot.js';
import { VipOwnership } from './vip-ownership.js';
import {
  type HookCommand,
  realServerHooks,
  runHook,
  upDownCommand,
} from '../health/up-down-hooks.js';

/** The longest a clean shutdown waits to deliver its last status report. */
const LAST_REPORT_TIMEOUT_MS = 2_000;

export interface RunAgentOptions {
  config: AgentConfig;
  /** Standalone modes: the source and the document read from it at start. */
  file?: { source: FileSource; document: DesiredState };
}

export async function runAgent({ config, file }: RunAgentOptions): Promise<void> {
  const startedAt = new Date().toISOString();
  const logger = pino({
    level: config.logLevel,
    base: file ? { director: file.document.director.name } : {},
  });
  if (!file) {
    // A first start (no last-known-good copy): its first document and the V8 flags it calls
    // for, before anything below starts (first-document.ts).
    await mkdir(config.stateDir, { recursive: true });
    await reexecForFirstDocument(hostFirstDocumentPorts(config, logger));
  }
  // Scripts keepalived would disable or warn about (script-launcher.ts), told once per config.
  hostScripts.tellVerdicts((script, verdict) =>
    verdict.run
      ? logger.warn({ script, warning: verdict.warning }, 'script runs with a warning')
      : logger.warn({ script, reason: verdict.reason }, 'script disabled: not run'),
  );
  const guard = config.guard ? new GuardClient((message) => logger.warn({}, message)) : undefined;
  guard?.start();
  await guard?.ready;
  const rtnetlink = openRtnetlink();
  const announcer = openAnnouncer();
  const metrics = createAgentMetrics({ version: AGENT_VERSION });
  metrics.config.countScriptsDisabled(() => hostScripts.disabled().length);
  const engine = new VrrpEngine({
    counters: metrics.vrrp,
    rtnetlink,
    announcer,
    guard,
    logger,
  });
  const since = new Map<string, string>();
  engine.on('transition', (t) => {
    const wallMs = performance.timeOrigin + t.at;
    since.set(t.instance, new Date(wallMs).toISOString());
    logger.info({ event: 'transition', ...t, wallMs }, 'transition');
  });
  const vipOwnership = new VipOwnership((instance, vip, owned) =>
    metrics.vrrp.setVipOwned(instance, vip, owned),
  );
  const resyncVips = () =>
    void rtnetlink.listAddresses().then(
      (addresses) => vipOwnership.resync(addresses),
      (error: Error) => logger.warn({ error: error.message }, 'address dump failed'),
    );
  const watcher = new RtnetlinkWatcher();
  watcher.on('link', (link) => engine.linkChanged(link));
  watcher.on('address', (event) => vipOwnership.addressChanged(event));
  watcher.on('childExit', (exit) => {
    logger.warn(
      { ...exit, restarts: watcher.restarts },
      'rtnetlink watcher died; restarting and resyncing',
    );
  });
  watcher.on('resync', () => {
    void rtnetlink.listLinks().then((links) => links.forEach((link) => engine.linkChanged(link)));
    resyncVips();
  });
  watcher.start();

  await mkdir(config.stateDir, { recursive: true });
  const ipvs = await openIpvs(config.stateDir, logger, {
    round: (r) => metrics.config.observeReconcile(r.durationMs / 1000),
    failed: () => metrics.config.applyFailed('ipvs'),
  });
  const observer = ipvs ? new IpvsObserver(ipvs.client) : undefined;
  metrics.config.setIpvsAvailable(ipvs !== undefined);
  const syncSide = ipvs ? await openSyncDaemons(logger) : undefined;
  const syncDaemons = syncSide && 'client' in syncSide ? syncSide.client : undefined;
  const ipvsSync = new IpvsSyncController(
    syncDaemons,
    logger,
    { onRound: (running, wanted) => metrics.ipvsSync.daemons(running, wanted) },
    syncSide && 'error' in syncSide ? syncSide.error : undefined,
  );
  // First among the transition listeners: the daemons switch before hooks and reports.
  engine.prependListener('transition', (t) => void ipvsSync.transition(t.instance, t.to));
  engine.on('transition', (t) => metrics.vrrp.transition(t, performance.timeOrigin + t.at));
  /** keepalived's notify_up/notify_down and quorum_up/quorum_down, detached and logged. */
  const runUpDown = (command: HookCommand | undefined, about: Record<string, unknown>): void => {
    if (command === undefined) return;
    void runHook(command).then((error) => {
      const entry = { event: 'notify', ...about, script: command.script, args: command.args };
      if (error) logger.warn({ ...entry, err: error }, `notify script ${command.script} failed`);
      else logger.info(entry, `notify script ${command.script} ran`);
    });
  };
  const health = new HealthRunner({
    onChange: ({ virtualServer, realServer, health: h, initial }) => {
      // A misc_dynamic weight and file checks' numbers (FILE_CHECK) move the weight in force.
      const fileValues = health.fileValues(virtualServer, realServer);
      const weights = {
        ...(h.weightOverride === undefined ? {} : { weightOverride: h.weightOverride }),
        ...(fileValues.length === 0 ? {} : { fileValues, weightDelta: h.weightDelta }),
      };
      logger.info(
        {
          event: 'health',
          virtualServer,
          realServer,
          up: h.up,
          reasons: h.downReasons,
          ...weights,
        },
        `real server ${h.up ? 'up' : 'down'}`,
      );
      metrics.health.setRealServerState(virtualServer, realServer, h.up ? 'up' : 'down');
      agent.healthChanged();
      if (!initial) {
        const hooks = realServerHooks(agent.applied, virtualServer, realServer);
        runUpDown(upDownCommand(hooks, h.up), { virtualServer, realServer });
      }
    },
    onFileDisabled: ({ virtualServer, realServer, spec }, reason) =>
      logger.warn(
        { event: 'file-check-disabled', virtualServer, realServer, reason },
        `file check of ${spec.type === 'file' ? spec.path : 'a real server'} counts for nothing: ${reason}`,
      ),
    onResult: ({ check, result, durationMs }) => {
      metrics.health.observeProbe(check.virtualServer, check.spec.type, durationMs / 1000);
      if (!result.ok)
        metrics.health.probeFailed(check.virtualServer, check.realServer, result.reason);
    },
  });
  // Only control-plane mode keeps a last-known-good copy: a file is its own last known good.
  const lastKnownGood = new LastKnownGood(config.stateDir);
  /** The draining real servers of the document in force (what the drain watch follows). */
  let draining = new Set<string>();
  const agent = new DirectorAgent(
    engine,
    ipvs?.reconciler,
    file ? undefined : lastKnownGood,
    health,
    (document) => {
      metrics.vrrp.syncInstances(document.vrrpInstances);
      void ipvsSync.follow(
        document.vrrpInstances,
        (name) => engine.instances.get(name)?.runner.state.name,
      );
      if (vipOwnership.follow(document.vrrpInstances)) resyncVips();
      draining = drainingServers(document.virtualServers);
      metrics.ipvs.syncDocument(document.virtualServers);
      metrics.health.syncDocument(document.virtualServers);
      metrics.conditions.sync(document.virtualServers, agent.conditions);
      if (agent.conditions.length > 0)
        logger.warn(
          { event: 'conditions', conditions: agent.conditions },
          `${agent.conditions.length} object(s) not in force here: ${[...new Set(agent.conditions.map((c) => c.type))].join(', ')}`,
        );
      const realServers = outgrownLiteMode(document);
      if (realServers !== undefined)
        logger.warn({ event: 'lite-mode-outgrown', realServers }, LITE_MODE_OUTGROWN);
      metrics.config.applied(document.revision);
      metrics.config.setMaintenance(document.director.maintenance === true);
      if (file) metrics.config.syncSucceeded(); // a file is in sync once it is read and applied
    },
    (vs, up) =>
      runUpDown(upDownCommand(vs.quorumNotify, up), { virtualServer: vs.name, quorum: up }),
  );
  health.start();

  const observed = async () => (observer ? await observer.services() : []);
  const realServers = async (onlyDraining = false) => {
    const document = agent.applied;
    if (document === undefined) return [];
    const all = realServerStatus(document, (vs) => health.healthOf(vs), await observed());
    return onlyDraining
      ? all.filter((s) => draining.has(`${s.virtualServer}/${s.realServer}`))
      : all;
  };
  const listen = config.metricsListen === undefined ? undefined : parseListen(config.metricsListen);
  const metricsServer = listen
    ? await serveMetrics(
        listen,
        metrics.registry,
        () => agent.applied !== undefined,
        async () => {
          if (!observer) return;
          const services = await observer.services();
          metrics.ipvs.observe(services);
          metrics.ipvsSync.observe(services);
        },
      )
    : undefined;

  const snapshot = async (): Promise<StatusSnapshot> => ({
    appliedRevision: agent.applied?.revision ?? null,
    agent: {
      version: AGENT_VERSION,
      startedAt,
      ipvsAvailable: ipvs !== undefined,
      maintenance: engine.inMaintenance,
    },
    vrrp: vrrpStatus(engine, (instance) => since.get(instance) ?? startedAt),
    realServers: await realServers().catch(() => []),
    conditions: [...agent.conditions, ...ipvsSync.conditions()],
    ipvsSync: ipvsSync.status(),
    // What the agent runs without: the crash guard, scripts it refuses to run.
    errors: statusErrors(guard?.problem, hostScripts.disabled()),
  });
  let controlPlane: Awaited<ReturnType<typeof runControlPlaneMode>> | undefined;
  if (file) {
    const result = await agent.apply(file.document);
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
      onSynced: () => metrics.config.syncSucceeded(),
      onRefused: () => metrics.config.applyFailed('validate'),
      onPollFailed: () => metrics.config.applyFailed('fetch'),
      snapshot,
    });
    engine.on('transition', (t) => controlPlane?.reporter.addTransition(transitionStatus(t)));
  }
  const drainWatch = controlPlane
    ? new DrainWatch(
        () => draining.size > 0,
        () => realServers(true),
        () => controlPlane?.reporter.reportSoon(),
      )
    : undefined;
  drainWatch?.start();
  for (const [instance, error] of engine.failed) logger.error({ instance, error }, 'not running');
  logger.info(
    {
      instances: [...engine.instances.keys()],
      guardPid: guard?.pid,
      ...(guard?.problem === undefined ? {} : { guardProblem: guard.problem }),
      ipvs: ipvs !== undefined,
      runsFrom: RUNS_FROM,
    },
    'fleetlb-agent started',
  );

  // SIGHUP re-reads the file: unchanged instances and IPVS entries run on untouched, an invalid
  // document is refused and the one in force stays. In control-plane mode the poll brings changes.
  let reloading = Promise.resolve();
  process.on('SIGHUP', () => {
    reloading = reloading.then(async () => {
      if (!file) return;
      const next = await file.source.read();
      for (const warning of next.warnings) logger.warn({ event: 'config-warning' }, warning);
      if (!next.check.ok) {
        logger.error(
          { problems: next.check.problems },
          'reload refused: invalid document; keeping the one in force',
        );
        return;
      }
      const result = await agent.apply(next.check.document);
      if (!result.ok) {
        logger.error({ problems: result.problems }, 'reload refused; keeping the one in force');
        return;
      }
      for (const [instance, error] of engine.failed)
        logger.error({ instance, error }, 'not running');
      logger.info(
        { revision: next.check.document.revision, instances: [...engine.instances.keys()] },
        'reloaded',
      );
    });
  });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    await reloading;
    const instances = vrrpStatus(engine, (instance) => since.get(instance) ?? startedAt);
    const stopped = engine.stop(); // first: the resignations leave before anything is logged
    drainWatch?.stop();
    const loopsStopped = Promise.all([
      controlPlane?.client.stop(),
      ipvs?.reconciler.stop(),
      health.stop(),
    ]);
    metricsServer?.close();
    logger.info({ signal }, 'shutting down: resigning mastership');
    await stopped;
    if (controlPlane) {
      // Masterships resigned and VIPs released: the fleet views show it at once, instead of
      // this director's last claims until they go stale.
      const last = await snapshot();
      const sent = await controlPlane.reporter.finalReport(
        {
          ...last,
          agent: { ...last.agent, state: 'stopped' },
          vrrp: resignedStatus(instances, new Date().toISOString()),
        },
        LAST_REPORT_TIMEOUT_MS,
      );
      logger.info({ sent }, sent ? 'last status report sent' : 'last status report not sent');
    }
    logger.info(
      { event: 'stats', drops: Object.fromEntries(engine.drops) },
      'VRRP packets dropped, by reason',
    );
    await loopsStopped;
    if (ipvs && config.ipvsOnExit === 'remove') {
      const outcome = await ipvs.reconciler.removeOwned();
      logger.info(
        { failed: outcome.failed.map((f) => f.error.message) },
        'removed the IPVS services fleetlb installed',
      );
    }
    ipvs?.client.close();
    syncDaemons?.close();
    await Promise.all([guard?.close(), watcher.close()]);
    rtnetlink.close();
    announcer.close();
    logger.info({}, 'stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
