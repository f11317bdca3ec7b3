/**
 * contract/keepalived against a corpus of real-world shapes (fixtures-keepalived/corpus, sources
 * in its README): each file's acceptance, warnings (file:line) and mapped instance, and keepalived
 * 2.2's own verdict (`keepalived -t`): every line keepalived complains about is a line fleetlb
 * reports too, and what fleetlb refuses is something keepalived also objects to.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConfigSource,
  type KeepalivedDiagnostic,
  parseKeepalivedConf,
  toDesiredState,
} from '../../contract/index.js';
import { prerequisite } from '../support/tier.js';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'fixtures-keepalived', 'corpus');
const director = { name: 'lb1', address: '198.51.100.1' };

interface Expectation {
  accepted: boolean;
  warnings?: [number, string][];
  errors?: [number, string][];
  instance?: Record<string, unknown>;
  /** Real server address → the fields of each of its mapped checks, in order. */
  checks?: Record<string, Record<string, unknown>[]>;
}

const disk: ConfigSource = {
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

function fleetlbVerdict(file: string) {
  const parsed = parseKeepalivedConf(readFileSync(file, 'utf8'), file, {
    source: disk,
    configId: 'lb1',
  });
  const mapped = toDesiredState(parsed.config, { site: 'corpus', director, file });
  const all: KeepalivedDiagnostic[] = [...parsed.diagnostics, ...mapped.warnings, ...mapped.errors];
  const errors = all.filter((d) => d.severity === 'error');
  return { all, errors, document: errors.length === 0 ? mapped.document : undefined };
}

/** keepalived -t's complaints as `line → messages` (interface and script-security lines aside). */
function keepalivedVerdict(file: string): { status: number | null; lines: Map<number, string[]> } {
  const run = spawnSync('keepalived', ['-t', '-l', '-D', '-f', file], {
    encoding: 'utf8',
    cwd: '/',
  });
  const lines = new Map<number, string[]>();
  for (const text of `${run.stdout}${run.stderr}`.split('\n')) {
    const m = /\(([^:)]*): Line (\d+)\) (.*)$/.exec(text);
    if (m === null || /interface/i.test(m[3] ?? '')) continue;
    const line = Number(m[2]);
    lines.set(line, [...(lines.get(line) ?? []), m[3] ?? '']);
  }
  return { status: run.status, lines };
}

const hasKeepalived = spawnSync('sh', ['-c', 'command -v keepalived']).status === 0;
const skip = prerequisite(
  hasKeepalived,
  'keepalived is not installed (apt-get install keepalived)',
);
const names = readdirSync(CORPUS)
  .filter((n) => n.endsWith('.conf'))
  .sort();

describe('keepalived.conf corpus', () => {
  for (const name of names) {
    const file = join(CORPUS, name);
    const expect = JSON.parse(
      readFileSync(file.replace(/\.conf$/, '.expect.json'), 'utf8'),
    ) as Expectation;
    test(`${name}: ${expect.accepted ? 'runs' : 'refused'} with the expected messages`, () => {
      const { all, errors, document } = fleetlbVerdict(file);
      assert.equal(errors.length === 0, expect.accepted, JSON.stringify(errors));
      for (const d of all) {
        assert.ok(d.file !== '' && d.line >= 1, `every message names file:line: ${d.message}`);
      }
      for (const [line, text] of expect.warnings ?? [])
        assert.ok(
          all.some((d) => d.severity === 'warning' && d.line === line && d.message.includes(text)),
          `no warning at line ${line} containing "${text}":\n${all.map((d) => `${d.line}: ${d.message}`).join('\n')}`,
        );
      for (const [line, text] of expect.errors ?? [])
        assert.ok(
          errors.some((d) => d.line === line && d.message.includes(text)),
          `no error at line ${line} containing "${text}":\n${errors.map((d) => `${d.line}: ${d.message}`).join('\n')}`,
        );
      if (expect.instance !== undefined) {
        const instance = document?.vrrpInstances[0] as Record<string, unknown> | undefined;
        for (const [key, value] of Object.entries(expect.instance))
          assert.deepEqual(instance?.[key], value, key);
      }
      for (const [address, wanted] of Object.entries(expect.checks ?? {})) {
        const server = document?.virtualServers
          .flatMap((v) => v.realServers)
          .find((r) => r.address === address);
        assert.equal(server?.checks.length, wanted.length, `${address}: number of checks`);
        wanted.forEach((fields, i) => {
          const check = server?.checks[i] as Record<string, unknown> | undefined;
          for (const [key, value] of Object.entries(fields))
            assert.deepEqual(check?.[key], value, `${address} check ${i}: ${key}`);
        });
      }
    });
    test(`${name}: every line keepalived -t reports, fleetlb reports too`, { skip }, () => {
      const keepalived = keepalivedVerdict(file);
      const ours = fleetlbVerdict(file).all;
      for (const [line, messages] of keepalived.lines)
        assert.ok(
          ours.some((d) => d.line === line),
          `keepalived reports line ${line} (${messages.join('; ')}); fleetlb says nothing there`,
        );
      if (!expect.accepted) assert.notEqual(keepalived.status, 0, 'keepalived -t objects too');
    });
  }
});
