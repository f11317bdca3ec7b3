/**
 * @module Guest side of `npm run bench:sync` (run.ts), INSIDE the VM: takeovers with IPVS
 * connection sync (test/vm/guest/lab/sync-lab.ts), unplanned (crash) and planned (maintenance),
 * `--trials` per implementation pair and handover, each trial's figures written to
 * `sync-bench.json` in the results share.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { children } from '../../test/vm/guest/lab/processes.js';
import {
  buildSegment,
  failoverTrial,
  startRealServers,
  type FailoverTrial,
  type Handover,
  type Implementation,
} from '../../test/vm/guest/lab/sync-lab.js';

// It changes the kernel's state (namespaces, a bridge, IPVS): never outside the VM (the host
// only loads it to fill the tsx cache).
if (process.env.FLEETLB_VM !== '1') process.exit(0);

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '5' },
    pairs: { type: 'string', default: 'fleetlb/fleetlb,keepalived/keepalived' },
    handovers: { type: 'string', default: 'crash,maintenance' },
  },
});
const handovers = values.handovers.split(',') as Handover[];
const trials = Number(values.trials);
const pairs = values.pairs.split(',').map((p) => p.split('/') as [Implementation, Implementation]);

await buildSegment();
await startRealServers(3_600_000);
const results: FailoverTrial[] = [];
try {
  for (let i = 0; i < trials; i++)
    for (const handover of handovers)
      for (const [master, backup] of pairs) {
        const trial = await failoverTrial(master, backup, true, handover);
        const { backupTable: _table, ...figures } = trial;
        process.stderr.write(
          `[guest] trial ${i + 1}/${trials} ${handover} ${master}/${backup}: ${JSON.stringify(figures)}\n`,
        );
        results.push(trial);
      }
} finally {
  writeFileSync(`${process.env.FLEETLB_VM_RESULTS}/sync-bench.json`, JSON.stringify(results));
  for (const child of children) child.kill('SIGKILL');
}
process.exit(0);
