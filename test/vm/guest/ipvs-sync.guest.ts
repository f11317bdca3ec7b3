/**
 * @module Guest side of test/vm/ipvs-sync.test.ts, run INSIDE the VM: IPVS connection sync with
 * real traffic. Two directors (own namespaces, own IPVS tables), DR to two real servers, a client
 * holding one TCP connection through the VIP with a line every 100 ms; the master crashes
 * (SIGKILL of every process, link down). With `lvs_sync_daemon`, the backup's `ipvsadm -Lnc`
 * shows the connection before the crash, and after the takeover it carries on to the same real
 * server without a reset: fleetlb on both sides, and keepalived as the peer either way. Without
 * sync (the control) the new master has no entry and its stack resets the connection. And a planned
 * handover: the fleetlb master put in maintenance (`director.maintenance: true` in its `--desired`
 * file and a SIGHUP, the standalone form of `fleetlb director maintenance`: the lab has no control
 * plane) hands over make before break (it keeps the VIP until the backup, now master, has
 * advertised twice, then gives it up), and the connection carries on through the backup in the
 * same way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { guestPrerequisite } from '../../support/vm/guest-tier.js';
import { children } from './lab/processes.js';
import {
  buildSegment,
  failoverTrial,
  startRealServers,
  type FailoverTrial,
} from './lab/sync-lab.js';

const skip = guestPrerequisite('test/vm/ipvs-sync.test.ts');

/** A trial's figures on stderr: the host shows them with the test's output. */
function report(trial: FailoverTrial): void {
  const { backupTable: _table, ...figures } = trial;
  process.stderr.write(`ipvs-sync trial: ${JSON.stringify(figures)}\n`);
}

function assertSurvived(trial: FailoverTrial): void {
  report(trial);
  assert.ok(trial.backupConnections > 0, 'the backup held the connection before the crash');
  assert.ok(
    trial.backupTable.some((l) => l.startsWith('TCP') && l.includes('ESTABLISHED')),
    `ipvsadm -Lnc on the backup: ${trial.backupTable.join(' | ')}`,
  );
  assert.equal(trial.survived, true, `the connection ended: ${trial.ended}`);
  assert.deepEqual(trial.serversAfter, [trial.serverBefore], 'the same real server throughout');
  // The stall is the takeover plus the client's retransmission backoff (its segments sent while
  // no director answered wait for the next RTO, which doubles): bounded by twice the takeover
  // and a second of margin, never unbounded.
  assert.ok(
    trial.stallMs <= 2 * trial.takeoverMs + 1_000,
    `stall ${trial.stallMs} ms, takeover ${trial.takeoverMs} ms`,
  );
}

// One lab for both suites: the segment and the real servers are built once per VM.
before(async () => {
  if (skip !== false) return;
  await buildSegment();
  await startRealServers(1_500_000);
});
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('IPVS connection sync across an unplanned takeover', { skip }, () => {
  test('fleetlb on both directors: the connection survives on the same real server', async () => {
    assertSurvived(await failoverTrial('fleetlb', 'fleetlb', true));
  });

  test('control, sync disabled: the new master has no entry and the connection breaks', async () => {
    const trial = await failoverTrial('fleetlb', 'fleetlb', false);
    report(trial);
    assert.equal(trial.backupConnections, 0);
    assert.equal(trial.survived, false);
    assert.match(trial.ended ?? '', /ECONNRESET|EPIPE|closed/);
  });

  test('keepalived master, fleetlb backup: survives', async () => {
    assertSurvived(await failoverTrial('keepalived', 'fleetlb', true));
  });

  test('fleetlb master, keepalived backup: survives', async () => {
    assertSurvived(await failoverTrial('fleetlb', 'keepalived', true));
  });
});

describe('IPVS connection sync across a planned maintenance handover', { skip }, () => {
  test('fleetlb master in maintenance hands over: the connection carries on, no reset', async () => {
    const trial = await failoverTrial('fleetlb', 'fleetlb', true, 'maintenance');
    assertSurvived(trial);
    assert.equal(trial.formerMasterHoldsVip, false, 'the director in maintenance gave the VIP up');
  });
});
