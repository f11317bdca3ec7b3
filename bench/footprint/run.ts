/**
 * @module The footprint benchmark (`npm run bench:footprint`): the RSS of the agent's whole
 * process tree (agent, crash guard, rtnetlink watcher), idle with one VRRP instance and at scale
 * with 1,000 virtual servers × 10 real servers TCP-checked every 2 s, next to keepalived's for the
 * same keepalived.conf in the same run (fleetlb reads it with --keepalived-conf); idle in
 * control-plane mode too (a control plane on PGlite in another lab host, one site, one director,
 * the same VRRP instance); and the figures before the footprint work (issue 18). The agent runs
 * built (`npm run build`) with the settings it ships with (agent/bin/fleetlb-agent.js applies its
 * V8 flags itself). `--cases` picks cases (idle, idle-cp, scale). Prints a table, then the JSON
 * on the last line of stdout. Needs root (or user namespaces) for the lab.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FIRST_DOCUMENT_REEXEC_ENV } from '../../agent/bin/node-flags.js';
import { NetnsLab } from '../../test/support/netns-lab.js';
import { HOST_ADDRESS, idleConfig, scaleConfig } from './configs.js';
import { controlPlaneForAgent } from './control-plane-case.js';
import { measure, stop, type Measurement } from './measure.js';
import { printReport, type Row } from './report.js';

const { values } = parseArgs({
  options: {
    'idle-seconds': { type: 'string', default: '12' },
    'scale-seconds': { type: 'string', default: '150' },
    'virtual-servers': { type: 'string', default: '1000' },
    'real-servers': { type: 'string', default: '10' },
    'interval-s': { type: 'string', default: '2' },
    /** e.g. "" for V8's defaults (FLEETLB_AGENT_NODE_FLAGS, see agent/bin/fleetlb-agent.js). */
    'node-flags': { type: 'string' },
    'no-keepalived': { type: 'boolean', default: false },
    /** Which cases run, comma-separated. */
    cases: { type: 'string', default: 'idle,idle-cp,scale' },
    /** Control-plane mode: first starts before and after the first-document re-exec, alternated. */
    'cp-rounds': { type: 'string', default: '1' },
  },
});
const selected = new Set(values.cases.split(','));

const root = fileURLToPath(new URL('../../', import.meta.url));
const AGENT_BIN = `${root}agent/bin/fleetlb-agent.js`;
const HOST = 'fp';

execFileSync(process.execPath, [`${root}scripts/build-agent.mjs`], { stdio: 'inherit' });
const lab = await NetnsLab.start(1800);
const dir = mkdtempSync(join(tmpdir(), 'fleetlb-footprint-'));
try {
  lab.addHost(HOST, { addresses: [HOST_ADDRESS] });
  const target = lab.spawn(
    [
      process.execPath,
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(new URL('./target.ts', import.meta.url)),
    ],
    HOST,
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const replies: Array<(line: string) => void> = [];
  const lines = createInterface({ input: target.stdout! });
  lines.on('line', (line) => replies.shift()?.(line));
  const next = (): Promise<Record<string, number>> =>
    new Promise((resolve) =>
      replies.push((line) => resolve(JSON.parse(line) as Record<string, number>)),
    );
  const { port } = await next();
  const accepted = async (): Promise<number> => {
    const reply = next();
    target.stdin!.write('count\n');
    return (await reply).accepted!;
  };

  const virtualServers = Number(values['virtual-servers']);
  const realServers = Number(values['real-servers']);
  const intervalS = Number(values['interval-s']);
  const cases = {
    idle: { conf: idleConfig(), seconds: Number(values['idle-seconds']), windowSeconds: 4 },
    scale: {
      conf: scaleConfig({ virtualServers, realServers, port: port!, delayLoopS: intervalS }),
      seconds: Number(values['scale-seconds']),
      // The last 40 %: start-up (parsing 10,000 real servers) takes a minute on a loaded machine.
      windowSeconds: Math.max(intervalS * 2, Number(values['scale-seconds']) * 0.4),
    },
  };
  // The agents inherit it (agent/bin/fleetlb-agent.js).
  if (values['node-flags'] !== undefined)
    process.env.FLEETLB_AGENT_NODE_FLAGS = values['node-flags'];
  const starters = {
    fleetlb: (conf: string, log: number) =>
      lab.spawn(
        [process.execPath, AGENT_BIN, '--keepalived-conf', conf, '--state-dir', dir],
        HOST,
        { stdio: ['ignore', log, log] },
      ),
    keepalived: (conf: string, log: number) =>
      lab.spawn(
        [
          'keepalived',
          '--dont-fork',
          '--no-syslog',
          '--use-file',
          conf,
          ...['--pid', join(dir, 'k.pid'), '--vrrp_pid', join(dir, 'v.pid')],
          ...['--checkers_pid', join(dir, 'c.pid')],
        ],
        HOST,
        { stdio: ['ignore', log, log] },
      ),
  };
  const rows: Row[] = [];
  for (const [caseName, c] of Object.entries(cases)) {
    if (!selected.has(caseName)) continue;
    const conf = join(dir, `${caseName}.conf`);
    writeFileSync(conf, c.conf);
    for (const [impl, start] of Object.entries(starters)) {
      if (impl === 'keepalived' && values['no-keepalived']) continue;
      const logPath = join(dir, `${impl}-${caseName}.log`);
      const log = openSync(logPath, 'w');
      const child = start(conf, log);
      closeSync(log);
      let result: Measurement | string;
      try {
        result = await measure(child, { ...c, accepted });
      } catch (error) {
        const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-3).join(' | ');
        result = `${error instanceof Error ? error.message : String(error)}: ${tail.slice(0, 600)}`;
      }
      await stop(child);
      rows.push({
        case: caseName as 'idle' | 'scale',
        impl: impl as 'fleetlb' | 'keepalived',
        result,
      });
    }
  }
  if (selected.has('idle-cp')) {
    const cp = await controlPlaneForAgent(lab, HOST);
    // First starts, alternately as before the first-document re-exec (the agent told not to:
    // agent/bin/node-flags.js FIRST_DOCUMENT_REEXEC_ENV) and as it ships, each without a
    // last-known-good document; then a restart from the document the last one kept.
    const starts: [Row['case'], boolean][] = [];
    for (let round = 0; round < Number(values['cp-rounds']); round++)
      starts.push(['idle-cp-first-before', false], ['idle-cp-first', true]);
    starts.push(['idle-cp', true]);
    for (const [caseName, reexec] of starts) {
      if (caseName !== 'idle-cp') cp.forget();
      if (reexec) delete process.env[FIRST_DOCUMENT_REEXEC_ENV];
      else process.env[FIRST_DOCUMENT_REEXEC_ENV] = 'off';
      let result: Measurement | string;
      try {
        const agent = await cp.start();
        result = await measure(agent.process, { ...cases.idle, accepted }).catch(
          (error: unknown) => `${String(error)}: ${agent.tail(3)}`,
        );
        await stop(agent.process);
      } catch (error) {
        result = String(error).slice(0, 600);
      }
      rows.push({ case: caseName, impl: 'fleetlb', result });
    }
    delete process.env[FIRST_DOCUMENT_REEXEC_ENV];
  }
  printReport(rows, {
    checks: virtualServers * realServers,
    intervalS,
    nodeFlags: values['node-flags'] ?? 'as shipped',
  });
  target.stdin!.end();
} finally {
  await lab.stop();
}
// Handles of the lab's children may linger; the report is out.
setTimeout(() => process.exit(0), 100).unref();
