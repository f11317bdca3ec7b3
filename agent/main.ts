/**
 * @module The agent's entry point (`fleetlb-agent`), standalone VRRP mode: validate the
 * desired-state document, start the crash guard, the rtnetlink watcher and the VRRP engine, and
 * on SIGTERM / SIGINT resign every mastership and exit. Logs are JSON lines (pino) on stdout;
 * each transition carries `wallMs`, a sub-millisecond wall-clock time, for lab measurements.
 */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { parseAgentConfig, USAGE } from './config.js';
import { readDesiredFile } from './desired-file.js';
import { openAnnouncer } from './linux/announcer.js';
import { openRtnetlink } from './linux/rtnetlink/addresses.js';
import { RtnetlinkWatcher } from './linux/rtnetlink/watch.js';
import { VrrpEngine } from './vrrp/engine.js';
import { GuardClient } from './vrrp/guard/client.js';

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

const logger = pino({ level: config.logLevel, base: { director: desired.document.director.name } });
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
await engine.start(desired.document.vrrpInstances);
for (const [instance, error] of engine.failed) logger.error({ instance, error }, 'not running');
logger.info(
  { instances: [...engine.instances.keys()], guardPid: guard?.pid },
  'fleetlb-agent started',
);

// SIGHUP re-reads the document: unchanged instances run on untouched, an invalid document is
// refused and the one in force stays.
let reloading = Promise.resolve();
process.on('SIGHUP', () => {
  reloading = reloading.then(async () => {
    const next = await readDesiredFile(config.desiredPath);
    if (!next.ok) {
      logger.error(
        { problems: next.problems },
        'reload refused: invalid desired state; keeping the one in force',
      );
      return;
    }
    await engine.update(next.document.vrrpInstances);
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
  logger.info({ signal }, 'shutting down: resigning mastership');
  await stopped;
  logger.info(
    { event: 'stats', drops: Object.fromEntries(engine.drops) },
    'VRRP packets dropped, by reason',
  );
  await Promise.all([guard?.close(), watcher.close()]);
  rtnetlink.close();
  announcer.close();
  logger.info({}, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
