/**
 * @module Cross-replica wake-up: two control planes (replicas A and B, each with its own
 * connections and LISTEN) on one PostgreSQL database. An agent long-polls replica B; the
 * benchmark PATCHes a real server through replica A and measures until the agent holds the new
 * document. Both replicas run in this process and are driven through `app.request`, so the
 * figure is the database round trip of the write plus the NOTIFY's trip to B, not HTTP.
 */
import { startControlPlane } from '../../control-plane/server.js';
import {
  silentLogger,
  startTestControlPlane,
  TestControlPlane,
} from '../../test/support/control-plane.js';
import { SITE, seedSite } from '../../test/support/fleet.js';
import { distribution, ms, type Row } from './report.js';

/** The spec asks for a wake-up within 100 ms of a commit on any replica. */
export const CROSS_REPLICA_TARGET_MS = 100;

export async function measureCrossReplica(rounds: number): Promise<Row> {
  const a = await startTestControlPlane('postgres');
  const replica = await startControlPlane({ location: { url: a.url! }, logger: silentLogger });
  const b = new TestControlPlane(replica, a.cp.adminToken);
  try {
    await seedSite(a.cp);
    const token = await a.cp.token('agent', SITE, 'lb1');
    let etag = (await b.request('GET', '/v1/agent/config', { token })).headers.get('etag')!;
    const samples: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const waiting = b.request('GET', '/v1/agent/config?wait=10', {
        token,
        headers: { 'if-none-match': etag },
      });
      await new Promise((resolve) => setTimeout(resolve, 50)); // let the long-poll park
      const sent = performance.now();
      const patch = await a.cp.request(
        'PATCH',
        `/v1/sites/${SITE}/virtual-servers/web-http/real-servers/web1`,
        { body: { weight: 100 + round } },
      );
      if (patch.status !== 200) throw new Error(`PATCH failed: ${patch.status} ${patch.text}`);
      const res = await waiting;
      const elapsed = performance.now() - sent;
      if (res.status !== 200)
        throw new Error(`the agent on replica B was not woken (${res.status})`);
      etag = res.headers.get('etag')!;
      if (round > 0) samples.push(elapsed); // round 0 warms both replicas up
    }
    const d = distribution(samples);
    return {
      database: 'postgres',
      measurement: 'cross-replica wake-up',
      result: `p50 ${ms(d.p50)}, p99 ${ms(d.p99)}, max ${ms(d.max)} (${samples.length} changes, write on A → agent on B)`,
      target: `p99 < ${CROSS_REPLICA_TARGET_MS} ms`,
      pass: d.p99 < CROSS_REPLICA_TARGET_MS,
      data: { ...d, samplesMs: samples },
    };
  } finally {
    await replica.close();
    await a.stop();
  }
}
