/**
 * agent/metrics/real-server-series.ts: slots export their series in prom-client's order (creation
 * order; a slot freed and reused comes last, as a removed and re-created series does), a reused
 * slot starts from 0, and columns grow past their first capacity.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import {
  bigints,
  numbers,
  RealServerSlots,
  SlotCounter,
} from '../../agent/metrics/real-server-series.js';

const HELP = 'Probes';

/** The same operations on prom-client's own Counter and on slots give the same exposition. */
test('slots list their series as prom-client lists its own', async () => {
  const own = new Registry();
  const counter = new Counter({
    name: 'x_total',
    help: HELP,
    labelNames: ['virtual_server', 'real_server', 'reason'],
    registers: [own],
  });
  const compact = new Registry();
  const slots = new RealServerSlots();
  const values = slots.column(numbers(2));
  const baselines = slots.column(bigints());
  new SlotCounter(slots, (slot, i) => values.values[slot * 2 + i]!, {
    name: 'x_total',
    help: HELP,
    extra: { name: 'reason', values: ['a', 'b'] },
    registry: compact,
  });
  const bySlot = new Map<string, number>();
  const add = (vs: string, rs: string) => {
    bySlot.set(`${vs}/${rs}`, slots.add(vs, rs));
    for (const reason of ['a', 'b'])
      counter.inc({ virtual_server: vs, real_server: rs, reason }, 0);
  };
  const remove = (vs: string, rs: string) => {
    slots.remove(bySlot.get(`${vs}/${rs}`)!);
    for (const reason of ['a', 'b'])
      counter.remove({ virtual_server: vs, real_server: rs, reason });
  };
  const inc = (vs: string, rs: string, i: number, by: number) => {
    values.values[bySlot.get(`${vs}/${rs}`)! * 2 + i]! += by;
    counter.inc({ virtual_server: vs, real_server: rs, reason: ['a', 'b'][i]! }, by);
  };
  // Past the first capacity (64 slots), with removals and reuse in between.
  for (let i = 0; i < 100; i++) add(`vs${i % 7}`, `rs${i}`);
  inc('vs3', 'rs10', 1, 5);
  baselines.values[bySlot.get('vs3/rs10')!] = 7n;
  remove('vs3', 'rs10');
  remove('vs0', 'rs0');
  add('vs3', 'rs10');
  inc('vs1', 'rs1', 0, 2.5);
  add('vs9', 'new');
  assert.equal(values.values[bySlot.get('vs3/rs10')! * 2 + 1], 0, 'a reused slot starts at 0');
  assert.equal(baselines.values[bySlot.get('vs3/rs10')!], 0n);
  assert.equal(await compact.metrics(), await own.metrics());
});
