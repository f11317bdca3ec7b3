/**
 * An agent's first start in control-plane mode (no last-known-good document): it fetches its
 * first document, keeps it, and before it starts anything re-execs itself (same pid) into the
 * V8 flags that document calls for (agent/runtime/first-document.ts). The decision itself is in
 * node-flags.test.ts. The agent here runs as it ships (agent/bin/fleetlb-agent.js) against a
 * control plane that serves a document with nothing to run (no VRRP instance, no virtual server),
 * and is stopped once it has said which flags it runs with.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BASE_FLAGS, LITE_FLAGS } from '../../agent/bin/node-flags.js';
import { reexecForFirstDocument } from '../../agent/runtime/first-document.js';
import type { DocumentCheck } from '../../agent/runtime/document-check.js';
import type { DesiredState } from '../../contract/desired-state.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EMPTY = readFileSync(`${ROOT}contract/fixtures/director-empty.json`, 'utf8');

interface LogLine {
  msg: string;
  event?: string;
  execArgv?: string[];
  flags?: string[];
}

test(
  'started without a last-known-good document, the agent ends up re-exec’d with lite flags',
  { timeout: 120_000 },
  async (t) => {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { etag: '"3"', 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...JSON.parse(EMPTY), revision: 3 }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), 'fleetlb-first-start-'));
    writeFileSync(join(dir, 'token'), 'agent-token\n');
    const env = { ...process.env };
    delete env.FLEETLB_AGENT_NODE_FLAGS;
    delete env.FLEETLB_AGENT_FIRST_DOCUMENT_REEXEC;
    const agent = spawn(
      process.execPath,
      [
        `${ROOT}agent/bin/fleetlb-agent.js`,
        ...['--control-plane', `http://127.0.0.1:${(server.address() as AddressInfo).port}`],
        ...['--token-file', join(dir, 'token'), '--state-dir', join(dir, 'state'), '--no-guard'],
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    t.after(() => agent.kill('SIGKILL'));
    const lines: LogLine[] = [];
    let reexeced: LogLine | undefined;
    let commandLine = '';
    for await (const text of createInterface({ input: agent.stdout })) {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      if (line.event === 'first-document' && line.execArgv) {
        reexeced = line;
        // The process the test started (execve keeps the pid), as it runs now.
        commandLine = readFileSync(`/proc/${agent.pid}/cmdline`, 'utf8');
        break;
      }
    }
    agent.kill('SIGTERM');
    assert.ok(reexeced, `no re-exec in: ${JSON.stringify(lines)}`);
    const announced = lines.find((l) => l.event === 'first-document' && l.flags);
    assert.deepEqual(announced?.flags, [...LITE_FLAGS]);
    for (const flag of LITE_FLAGS) {
      assert.ok(reexeced.execArgv!.includes(flag), flag);
      assert.ok(commandLine.split('\0').includes(flag), flag);
    }
    // Its first document was kept, and fetched once before the re-exec.
    const saved = JSON.parse(readFileSync(join(dir, 'state', 'last-known-good.json'), 'utf8'));
    assert.equal(saved.revision, 3);
    assert.equal(requests[0], '/v1/agent/config');
  },
);

/** A first start in process, with fakes: what it fetches, keeps and re-execs with. */
function firstStart(options: { saved?: DocumentCheck; fetched?: DocumentCheck; env?: object }) {
  const seen = {
    saves: 0,
    fetches: 0,
    reexecs: [] as (readonly string[])[],
    warnings: [] as string[],
  };
  const document = { ...JSON.parse(EMPTY), revision: 5 } as DesiredState;
  const run = reexecForFirstDocument({
    lastKnownGood: {
      load: () => Promise.resolve(options.saved),
      save: () => {
        seen.saves++;
        return Promise.resolve();
      },
    },
    fetchDocument: () => {
      seen.fetches++;
      return Promise.resolve(options.fetched ?? { ok: true, document });
    },
    reexec: (flags) => {
      seen.reexecs.push(flags);
      return Promise.reject(new Error('exec refused'));
    },
    logger: {
      info: () => undefined,
      warn: (_o: object, message: string) => void seen.warnings.push(message),
      flush: (cb?: (error?: Error) => void) => cb?.(),
    } as never,
    env: { ...options.env },
    execArgv: BASE_FLAGS,
  });
  return { run, seen };
}

test('only a first start fetches, keeps and re-execs; a failed re-exec carries on', async () => {
  const first = firstStart({});
  await first.run; // the fake exec fails: it returns, warning
  assert.deepEqual(first.seen.reexecs, [[...LITE_FLAGS]]);
  assert.equal(first.seen.saves, 1);
  assert.match(first.seen.warnings.join(), /re-exec failed/);
  const later = firstStart({ saved: { ok: true, document: {} as DesiredState } });
  await later.run;
  assert.deepEqual([later.seen.fetches, later.seen.saves, later.seen.reexecs.length], [0, 0, 0]);
  const again = firstStart({ env: { FLEETLB_AGENT_FIRST_DOCUMENT_REEXEC: 'done' } });
  await again.run;
  assert.deepEqual([again.seen.fetches, again.seen.reexecs.length], [0, 0]);
  const refused = firstStart({ fetched: { ok: false, reasons: [], problems: ['bad'] } });
  await refused.run;
  assert.deepEqual([refused.seen.saves, refused.seen.reexecs.length], [0, 0]);
});
