/** @module The IPVS benchmark's table rows: the guest's results, measurement by measurement. */
import { cpuText, int, ms } from './format.js';
import type { Row } from './report-table.js';
import { median, wall } from './stats.js';
import {
  DEFAULT_APPLY_WINDOW,
  DEFAULT_LIST_SOCKETS,
  type Cost,
  type GuestResults,
} from './types.js';

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

function programRows(r: GuestResults): Row[] {
  const p = r.program;
  const m = `program ${int(r.config.services)}×${r.config.destinations} from empty`;
  const rows: Row[] = [
    {
      measurement: m,
      what: `fleetlb plan + applyAll, window ${p.window}`,
      samples: wall(p.ours),
      cpu: cpuText(p.ours),
      note: `${int(p.ops)} ops; plan ${ms(median(p.planMs))} ms, encoding alone ${ms(p.encodeMs)} ms`,
    },
    {
      measurement: m,
      what: 'ipvsadm-restore < rules',
      samples: wall(p.restore),
      cpu: cpuText(p.restore),
      note: 'bash script: grep, ipvsadm -C, ipvsadm -R',
    },
    {
      measurement: m,
      what: 'ipvsadm -R < rules',
      samples: wall(p.ipvsadmR),
      cpu: cpuText(p.ipvsadmR),
      note: `the restore proper; ${int(p.rulesBytes)} bytes of rules`,
    },
    ...[
      ['ipvsadm-restore', p.restoreEmpty],
      ['ipvsadm -R', p.ipvsadmREmpty],
    ].map(([what, costs]) => ({
      measurement: m,
      what: `${what as string} < /dev/null`,
      samples: wall(costs as Cost[]),
      cpu: cpuText(costs as Cost[]),
      note: 'process start (included above)',
    })),
  ];
  return [...rows, ...sweepRows(r, m)];
}

function sweepRows(r: GuestResults, m: string): Row[] {
  const p = r.program;
  const rows: Row[] = p.sweep.map((s) => ({
    measurement: m,
    what: `fleetlb, applyWindow ${s.window} (sweep)`,
    samples: [s.cost.wallMs],
    cpu: cpuText([s.cost]),
    note: [
      s.window === p.window ? 'fastest: used above' : '',
      s.window === DEFAULT_APPLY_WINDOW ? 'client default' : '',
    ]
      .filter((n) => n !== '')
      .join('; '),
  }));
  if (p.trashWarm === undefined) return rows;
  const warm = 'right after ipvsadm -C alone (destination trash full)';
  return [
    ...rows,
    {
      measurement: m,
      what: 'fleetlb, no module reload',
      samples: [p.trashWarm.ours.wallMs],
      cpu: cpuText([p.trashWarm.ours]),
      note: warm,
    },
    {
      measurement: m,
      what: 'ipvsadm-restore, no module reload',
      samples: [p.trashWarm.restore.wallMs],
      cpu: cpuText([p.trashWarm.restore]),
      note: warm,
    },
  ];
}

function weightRows(r: GuestResults): Row[] {
  const w = r.weight;
  const m = `weight change, 1 of ${int(r.config.services * r.config.destinations)}`;
  return [
    {
      measurement: m,
      what: 'fleetlb apply(update-destination)',
      samples: w.ours,
      cpu: '',
      note: 'one SET_DEST request and its ACK',
    },
    {
      measurement: m,
      what: 'ipvsadm -e … -m -w N',
      samples: w.ipvsadm,
      cpu: '',
      note: 'process spawn included',
    },
    {
      measurement: m,
      what: 'ipvsadm --version',
      samples: w.ipvsadmStart,
      cpu: '',
      note: 'process start alone',
    },
  ];
}

function reconcileRows(r: GuestResults): Row[] {
  const m = `no-op reconcile, ${int(r.config.services * r.config.destinations)} dests`;
  const rows: Row[] = r.reconcile.runs.map((run) => {
    const left = run.leftovers.reduce((a, b) => a + b, 0);
    return {
      measurement: m,
      what: `fleetlb list + plan, listSockets ${run.listSockets}`,
      samples: wall(run.cost),
      cpu: cpuText(run.cost),
      note:
        `dump ${ms(median(run.dumpMs))} + plan ${ms(median(run.planMs))} ms (medians); ` +
        (left === 0 ? '0 ops' : `${left} ops/conflicts LEFT OVER`) +
        (run.listSockets === DEFAULT_LIST_SOCKETS ? '; client default' : ''),
    };
  });
  const save = r.reconcile.ipvsadmSave;
  const note = 'a full dump by ipvsadm (process start included)';
  return [
    ...rows,
    {
      measurement: m,
      what: 'ipvsadm -Sn > /dev/null',
      samples: wall(save),
      cpu: cpuText(save),
      note,
    },
  ];
}

function memoryRow(r: GuestResults): Row {
  const { start, afterBuild, afterList } = r.memory;
  return {
    measurement: 'memory (after gc)',
    what: 'guest node process',
    samples: [],
    cpu: '',
    note:
      `RSS ${mib(afterList.rss)} MiB with the desired table and one listing held ` +
      `(${mib(start.rss)} at start, ${mib(afterBuild.rss)} after building); ` +
      `heap used ${mib(afterList.heapUsed)} MiB, of which the listing ${mib(afterList.heapUsed - afterBuild.heapUsed)}`,
  };
}

export function rowsOf(r: GuestResults): Row[] {
  return [...programRows(r), ...weightRows(r), ...reconcileRows(r), memoryRow(r)];
}
