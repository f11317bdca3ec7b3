/** @module What the benchmark's processes share: the fixture's names and their messages. */

/** The virtual server without a VRRP instance (so in every director's document) and its real server. */
export const BENCH_VS = 'bench-all';
export const BENCH_RS = 'bench1';
export const BENCH_RS_WEIGHT = 10;

export type DatabaseKind = 'pglite' | 'postgres';

/** The JSON line server.ts prints on stdout once it listens. */
export interface ServerHello {
  url: string;
  adminToken: string;
  site: string;
  database: DatabaseKind;
  /** The PostgreSQL database's URL (so the parent can drop it should the server be killed). */
  databaseUrl: string | null;
  pid: number;
}

/** server.ts's answer to the IPC message `cpu`: its `process.cpuUsage()`, in microseconds. */
export interface CpuReply {
  type: 'cpu';
  user: number;
  system: number;
}

/** load.ts's IPC messages: `warm` after the warm-up (it then waits for `go`), then `result`. */
export type LoadMessage = { type: 'warm' } | { type: 'result'; result: LoadResult };

/** What load.ts sends to the parent: the fields of autocannon's result the benchmark uses. */
export interface LoadResult {
  durationS: number;
  total: number;
  requestsPerS: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** CPU time load.ts (autocannon) used during the measured run, in seconds. */
  cpuS: number;
}
