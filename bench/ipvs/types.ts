/** @module The IPVS benchmark's shared shapes (the guest writes them, run.ts reads them) and the client defaults they refer to. */

/** Wall time and the CPU it took: ours from `process.cpuUsage`, a command's from its rusage. */
export interface Cost {
  wallMs: number;
  userMs: number;
  sysMs: number;
}

/** What run.ts asks the guest to do. */
export interface GuestConfig {
  trials: number;
  services: number;
  destinations: number;
  samples: number;
  windows: number[];
  listSockets: number[];
  profile: boolean;
}

export interface GuestFacts {
  cpus: number;
  cpuModel: string;
  kernel: string;
  node: string;
  ipvsadm: string;
  ipvsVersion: string;
  connectionTableSize: number;
  clocksource: string;
  /** Whether the modules could be reloaded between runs (empties the destination trash). */
  moduleReload: boolean;
}

export interface ProgramResults {
  ops: number;
  rulesBytes: number;
  /** Encoding every request of the plan once, no I/O (pure JS). */
  encodeMs: number;
  sweep: { window: number; cost: Cost }[];
  /** The window of the measured runs: the sweep's fastest. */
  window: number;
  ours: Cost[];
  planMs: number[];
  restore: Cost[];
  ipvsadmR: Cost[];
  restoreEmpty: Cost[];
  ipvsadmREmpty: Cost[];
  /** One run each right after `ipvsadm -C` alone: deleted destinations still in the trash. */
  trashWarm: { ours: Cost; restore: Cost } | undefined;
}

export interface WeightResults {
  ours: number[];
  ipvsadm: number[];
  /** `ipvsadm --version`: process start alone. */
  ipvsadmStart: number[];
  changed: number;
  restoredOps: number;
}

export interface ReconcileRun {
  listSockets: number;
  dumpMs: number[];
  planMs: number[];
  cost: Cost[];
  /** Ops + conflicts + unreadable entries of each run: 0 when the no-op plans nothing. */
  leftovers: number[];
}

export interface ReconcileResults {
  runs: ReconcileRun[];
  ipvsadmSave: Cost[];
}

type Memory = Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'heapTotal' | 'external'>;
export interface MemoryResults {
  start: Memory;
  afterBuild: Memory;
  afterList: Memory;
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
}

export interface ProfileSummary {
  totalMs: number;
  groups: ProfileEntry[];
  top: ProfileEntry[];
}

export interface GuestResults {
  config: GuestConfig;
  facts: GuestFacts;
  program: ProgramResults;
  weight: WeightResults;
  reconcile: ReconcileResults;
  memory: MemoryResults;
  profile: { program: ProfileSummary; reconcile: ProfileSummary } | undefined;
  problems: string[];
  durationS: number;
}

/** The client's default `listSockets`: the setting the reconcile target is judged on. */
export const DEFAULT_LIST_SOCKETS = 4;
/** The client's default `applyWindow`. */
export const DEFAULT_APPLY_WINDOW = 64;
