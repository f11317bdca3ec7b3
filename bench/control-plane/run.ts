/**
 * @module The control-plane benchmark (`npm run bench:control-plane`; see bench/README.md):
 * 1. 304 throughput of `GET /v1/agent/config` with a current ETag (autocannon, own process);
 * 2. propagation of a PATCH to 100 and 1,000 long-polling agents;
 * 3. on PostgreSQL, the wake-up of an agent on replica B by a write through replica A;
 * 4. hostile and heavy clients (hostile.ts), the embedded default's RSS, and on PostgreSQL the
 *    database faults (faults.ts): recovery time, 503s served, other errors, lost writes.
 * Each database gets a fresh control plane in a child process (server.ts). Progress goes to
 * stderr; the table and, on its last line, the JSON go to stdout (or the JSON to --json FILE).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { postgresReachable, POSTGRES_URL } from '../../test/support/databases.js';
import { AdminClient } from './http.js';
import { ServerProcess, stopAll } from './processes.js';
import { measureDatabaseFaults } from './faults.js';
import { measureHostileClients } from './hostile.js';
import { AgentPool, measurePropagation } from './propagation.js';
import { distribution, int, ms, rounded, table, type Row } from './report.js';
import type { DatabaseKind } from './shared.js';
import { measureCrossReplica } from './replicas.js';
import { measureThroughput } from './throughput.js';

const USAGE = `usage: npm run bench:control-plane -- [--database both|pglite|postgres] [--json FILE]
        [--agents 100,1000] [--rounds 5] [--duration 8] [--cpu-prof DIR]
        [--faults also|only|skip] [--outage 30] [--only heavy]

  --database   where the control plane stores its data (default both; PostgreSQL at
               ${POSTGRES_URL}, set FLEETLB_TEST_DATABASE_URL to change)
  --json FILE  write the JSON results to FILE instead of stdout's last line
  --agents     the agent counts of the propagation measurement
  --rounds     measured changes per agent count (after one warm-up change)
  --duration   seconds of measured 304 load (after a 2 s warm-up)
  --cpu-prof   run the server under node --cpu-prof, writing its profiles to DIR
  --faults     the fault and hostile-client figures: also (default), only, or skip
  --outage     seconds PostgreSQL refuses connections in the fault figures (default 30)
  --only heavy just the 4 largest status reports row (with --cpu-prof, the server's profile)
`;

const TARGET_PER_CORE = 10_000;
/** p99 targets of the propagation, by agent count (others: none). */
const PROPAGATION_TARGET_MS: Record<number, number> = { 100: 250, 1000: 1000 };
/** The whole run is killed after this long, whatever it is doing. */
const HARD_LIMIT_MS = 15 * 60_000;

/** A bad command line: reported with the usage, without a stack. */
class UsageError extends Error {}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface Options {
  databases: DatabaseKind[];
  explicit: boolean;
  json: string | undefined;
  agents: number[];
  rounds: number;
  durationS: number;
  cpuProfDir: string | undefined;
  faults: 'also' | 'only' | 'skip';
  outageS: number;
  heavyOnly: boolean;
}

const FLAGS = {
  database: { type: 'string', default: 'both' },
  json: { type: 'string' },
  agents: { type: 'string', default: '100,1000' },
  rounds: { type: 'string', default: '5' },
  duration: { type: 'string', default: '8' },
  'cpu-prof': { type: 'string' },
  faults: { type: 'string', default: 'also' },
  outage: { type: 'string', default: '30' },
  only: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseFlags() {
  try {
    return parseArgs({ options: FLAGS });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function options(): Options | undefined {
  const { values } = parseFlags();
  if (values.help) return undefined;
  const database = values.database;
  if (database !== 'both' && database !== 'pglite' && database !== 'postgres')
    throw new UsageError(`--database: both, pglite or postgres, not ${database}`);
  const agents = values.agents.split(',').map(Number);
  const rounds = Number(values.rounds);
  const durationS = Number(values.duration);
  if (agents.some((n) => !Number.isInteger(n) || n < 1 || n > 5000))
    throw new UsageError('--agents: integers from 1 to 5000');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100)
    throw new UsageError('--rounds: an integer from 1 to 100');
  if (!(durationS >= 1 && durationS <= 120)) throw new UsageError('--duration: 1 to 120 seconds');
  const faults = values.faults;
  if (faults !== 'also' && faults !== 'only' && faults !== 'skip')
    throw new UsageError(`--faults: also, only or skip, not ${faults}`);
  const outageS = Number(values.outage);
  if (!(outageS >= 1 && outageS <= 300)) throw new UsageError('--outage: 1 to 300 seconds');
  if (values.only !== undefined && values.only !== 'heavy')
    throw new UsageError(`--only: heavy, not ${values.only}`);
  return {
    databases: database === 'both' ? ['pglite', 'postgres'] : [database],
    explicit: database !== 'both',
    json: values.json,
    agents: [...agents].sort((a, b) => a - b),
    rounds,
    durationS,
    cpuProfDir: values['cpu-prof'],
    faults,
    outageS,
    heavyOnly: values.only === 'heavy',
  };
}

async function benchDatabase(database: DatabaseKind, opts: Options): Promise<Row[]> {
  const rows: Row[] = [];
  log(`${database}: starting the control plane`);
  const server = await ServerProcess.start(database, { cpuProfDir: opts.cpuProfDir });
  const admin = new AdminClient(server.hello.url, server.hello.adminToken);
  try {
    log(`${database}: 304 throughput, 50 connections, 2 s warm-up + ${opts.durationS} s`);
    const t = await measureThroughput(server, admin, {
      connections: 50,
      warmupS: 2,
      durationS: opts.durationS,
    });
    rows.push({
      database,
      measurement: '304 throughput',
      result:
        `${int(t.requestsPerS)}/s, ${int(t.perServerCore)}/s per server core ` +
        `(server ${t.serverCores.toFixed(2)} cores, autocannon ${t.loadCores.toFixed(2)}, ` +
        `machine ${t.machineBusyCores.toFixed(1)}/${cpus().length} busy); ` +
        `latency p50 ${ms(t.latencyMs.p50)}, p99 ${ms(t.latencyMs.p99)}`,
      target: `≥ ${int(TARGET_PER_CORE)}/s per core`,
      pass: t.perServerCore >= TARGET_PER_CORE,
      data: { ...t },
    });

    const pool = new AgentPool(admin, server.hello.site);
    for (const n of opts.agents) {
      const setup = performance.now();
      await pool.grow(n);
      log(
        `${database}: ${n} directors and agent tokens ready (${ms(performance.now() - setup)} to create); 1 warm-up + ${opts.rounds} rounds`,
      );
      const p = await measurePropagation(admin, server.hello.site, pool.tokens.slice(0, n), {
        rounds: opts.rounds,
        warmupRounds: 1,
        roundTimeoutMs: 15_000,
        serverCpuS: () => server.cpuSeconds(),
      });
      const samples = distribution(p.samplesMs);
      const patch = distribution(p.patchMs);
      const targetMs = PROPAGATION_TARGET_MS[n];
      const missed = p.missed > 0 ? `, ${p.missed} MISSED` : '';
      const errors = p.errors > 0 ? `, ${p.errors} errors` : '';
      rows.push({
        database,
        measurement: `propagation, ${int(n)} agents`,
        result: `p50 ${ms(samples.p50)}, p99 ${ms(samples.p99)}, max ${ms(samples.max)} (${samples.count} samples${missed}${errors})`,
        target: targetMs === undefined ? '—' : `p99 < ${ms(targetMs)}`,
        pass: targetMs === undefined ? null : p.missed === 0 && samples.p99 < targetMs,
        data: {
          agents: n,
          rounds: p.rounds,
          samples,
          missed: p.missed,
          errors: p.errors,
          initialSyncMs: p.initialSyncMs,
          perRound: p.perRound,
          serverCpuMsPerRound: (p.cpu.serverS * 1000) / p.rounds,
          agentsCpuMsPerRound: (p.cpu.agentsS * 1000) / p.rounds,
          wallMsPerRound: (p.cpu.wallS * 1000) / p.rounds,
          machineBusyCores: p.cpu.machineBusyCores,
        },
      });
      rows.push({
        database,
        measurement: `PATCH latency, ${int(n)} agents`,
        result: `p50 ${ms(patch.p50)}, max ${ms(patch.max)} (${patch.count} PATCHes)`,
        target: '—',
        pass: null,
        data: { agents: n, patchMs: p.patchMs, ...patch },
      });
    }
  } finally {
    admin.close();
    log(`${database}: stopping the control plane`);
    await server.stop();
  }
  return rows;
}

async function main(): Promise<number> {
  const opts = options();
  if (!opts) {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = new Date();
  const rows: Row[] = [];
  for (const database of opts.databases) {
    if (database === 'postgres' && !(await postgresReachable())) {
      const reason = `no PostgreSQL at ${POSTGRES_URL}`;
      if (opts.explicit) throw new Error(reason);
      log(`postgres: skipped (${reason})`);
      rows.push({
        database,
        measurement: 'all',
        result: `skipped: ${reason}`,
        target: '—',
        pass: null,
        data: { skipped: reason },
      });
      continue;
    }
    if (opts.heavyOnly) {
      const profile = { heavyOnly: true, cpuProfDir: opts.cpuProfDir };
      rows.push(...(await measureHostileClients(database, log, profile)));
      continue;
    }
    if (opts.faults !== 'only') {
      rows.push(...(await benchDatabase(database, opts)));
      if (database === 'postgres') {
        log('postgres: cross-replica wake-up, two replicas on one database, 50 changes');
        rows.push(await measureCrossReplica(50));
      }
    }
    if (opts.faults !== 'skip') {
      rows.push(...(await measureHostileClients(database, log)));
      if (database === 'postgres') rows.push(...(await measureDatabaseFaults(opts.outageS, log)));
    }
  }

  const report = {
    benchmark: 'control-plane',
    startedAt: started.toISOString(),
    durationS: (Date.now() - started.getTime()) / 1000,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      node: process.version,
      platform: process.platform,
    },
    setup:
      'server: its own process (server.ts, one event loop, database in-process for PGlite); ' +
      '304 load: autocannon in its own process (load.ts) on the same machine; ' +
      'propagation agents: node:http keep-alive clients in the benchmark process',
    rows: rows.map((r) => ({
      database: r.database,
      measurement: r.measurement,
      target: r.target,
      pass: r.pass,
      ...(rounded(r.data) as object),
    })),
  };
  process.stdout.write(`\n${table(rows)}\n\n`);
  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    log(`JSON written to ${opts.json}`);
  } else process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}

let aborting = false;

/** Stops the child processes (bounded), then exits. */
function abort(code: number): void {
  if (aborting) return;
  aborting = true;
  void stopAll().finally(() => process.exit(code));
}

setTimeout(() => {
  log(`still running after ${HARD_LIMIT_MS / 60_000} minutes: giving up`);
  abort(1);
}, HARD_LIMIT_MS).unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort(130));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (aborting) return;
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    abort(1);
  },
);
