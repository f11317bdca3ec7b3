/**
 * deploy/systemd: `systemd-analyze verify` finds nothing to say about either unit (its warnings
 * count as failures: verify exits 0 on unknown keys), and `systemd-analyze security` rates both
 * "OK" or better. The agent's unit runs as user fleetlb with exactly CAP_NET_ADMIN and CAP_NET_RAW
 * and a sandbox that leaves raw sockets, netlink and AF_PACKET alone. The example environment
 * files and the units' command lines parse into valid configurations with the agent's and the
 * control plane's own parsers, and name no variable those parsers do not read.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAgentConfig } from '../../agent/config.js';
import { parseConfig } from '../../control-plane/config.js';
import { prerequisite } from '../support/tier.js';
import { REPO } from './rule-files.js';

const SYSTEMD = `${REPO}deploy/systemd/`;
const UNITS = ['fleetlb-agent.service', 'fleetlb-control-plane.service'];
const INSTALL_PREFIX = '/opt/fleetlb/';

const systemdAnalyze = prerequisite(
  spawnSync('sh', ['-c', 'command -v systemd-analyze']).status === 0,
  'systemd-analyze is not installed (Debian package systemd)',
);

/** `Key=value` lines of the [Service] section; a key given twice keeps every value. */
function serviceSettings(unit: string): Map<string, string[]> {
  const text = readFileSync(`${SYSTEMD}${unit}`, 'utf8');
  const section = text.split(/^\[/m).find((s) => s.startsWith('Service]')) ?? '';
  const settings = new Map<string, string[]>();
  for (const line of section.split('\n').slice(1)) {
    const match = /^(\w+)=(.*)$/.exec(line.trim());
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  return settings;
}

const one = (settings: Map<string, string[]>, key: string) => settings.get(key)?.join(' ');

/** A copy of `unit` in a temporary directory, its ExecStart binary replaced by this Node. */
function withThisNode<T>(unit: string, use: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-unit-'));
  try {
    const text = readFileSync(`${SYSTEMD}${unit}`, 'utf8');
    const path = join(dir, unit);
    writeFileSync(path, text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const unit of UNITS) {
  test(`systemd-analyze verify: ${unit} without a warning`, { skip: systemdAnalyze }, () => {
    const result = withThisNode(unit, (path) =>
      spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' }),
    );
    const output = `${result.stdout}${result.stderr}`;
    assert.equal(result.status, 0, output);
    const aboutUs = output.split('\n').filter((l) => l.includes(unit));
    assert.deepEqual(aboutUs, []);
  });

  test(
    `systemd-analyze security: ${unit} is exposed "OK" or less`,
    { skip: systemdAnalyze },
    () => {
      const result = withThisNode(unit, (path) =>
        spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', path], {
          encoding: 'utf8',
        }),
      );
      const output = `${result.stdout}${result.stderr}`;
      const level = /Overall exposure level for \S+: ([\d.]+) (\w+)/.exec(output);
      assert.ok(level, output);
      assert.ok(Number(level[1]) <= 3.0, `exposure ${level[1]} ${level[2]}`);
    },
  );

  test(`${unit}: ExecStart runs a script of this repository`, () => {
    const [node, script = ''] = one(serviceSettings(unit), 'ExecStart')!.split(' ');
    assert.equal(node, '/usr/bin/node');
    assert.ok(script.startsWith(INSTALL_PREFIX), script);
    assert.ok(existsSync(`${REPO}${script.slice(INSTALL_PREFIX.length)}`), script);
  });
}

test('the agent: user fleetlb, two capabilities, a sandbox raw sockets survive', () => {
  const s = serviceSettings('fleetlb-agent.service');
  assert.equal(one(s, 'User'), 'fleetlb');
  assert.equal(one(s, 'AmbientCapabilities'), 'CAP_NET_ADMIN CAP_NET_RAW');
  assert.equal(one(s, 'CapabilityBoundingSet'), 'CAP_NET_ADMIN CAP_NET_RAW');
  assert.equal(one(s, 'StateDirectory'), 'fleetlb');
  assert.match(one(s, 'ExecStart')!, / --state-dir \/var\/lib\/fleetlb(\s|$)/);
  assert.equal(one(s, 'EnvironmentFile'), '/etc/fleetlb/agent.env');
  for (const [key, value] of [
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['NoNewPrivileges', 'yes'],
    ['SystemCallArchitectures', 'native'],
    ['Restart', 'on-failure'],
    ['KillSignal', 'SIGTERM'],
    ['KillMode', 'control-group'], // the crash guard must outlive the agent (agent/README.md)
  ]) {
    assert.equal(one(s, key!), value, key);
  }
  assert.match(one(s, 'TimeoutStopSec')!, /^\d+s$/);
  const families = one(s, 'RestrictAddressFamilies')!.split(' ').sort();
  assert.deepEqual(families, ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_PACKET', 'AF_UNIX']);
  // These would cut the agent off the host's network or break V8's JIT.
  for (const key of ['PrivateNetwork', 'PrivateUsers', 'MemoryDenyWriteExecute', 'DynamicUser']) {
    assert.equal(s.get(key), undefined, key);
  }
});

/** `KEY=value` lines of an environment file (comments and blank lines skipped). */
function readEnvFile(path: string): Record<string, string> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const pairs = lines.map((l) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(l.trim())).filter((m) => m);
  return Object.fromEntries(pairs.map((m) => [m![1]!, m![2]!]));
}

/** Every variable an example names, commented out or not. */
function namedVariables(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/^#?([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}

const argvOf = (unit: string) => one(serviceSettings(unit), 'ExecStart')!.split(' ').slice(2);

test('agent.env.example and the unit make a valid control-plane-mode agent config', () => {
  const example = `${SYSTEMD}agent.env.example`;
  const parsed = parseAgentConfig(argvOf('fleetlb-agent.service'), readEnvFile(example));
  assert.ok(!parsed.help && 'config' in parsed, JSON.stringify(parsed));
  assert.equal(parsed.config.stateDir, '/var/lib/fleetlb');
  assert.equal(parsed.config.tokenFile, '/etc/fleetlb/agent.token');
  assert.ok(parsed.config.controlPlaneUrl !== undefined);
  assert.ok(parsed.config.metricsListen !== undefined);
  const source = readFileSync(`${REPO}agent/config.ts`, 'utf8');
  for (const name of namedVariables(example)) {
    assert.ok(source.includes(`env.${name}`), `agent/config.ts does not read ${name}`);
  }
});

test('control-plane.env.example and the unit make a valid control plane config', () => {
  const example = `${SYSTEMD}control-plane.env.example`;
  const parsed = parseConfig(argvOf('fleetlb-control-plane.service'), readEnvFile(example));
  assert.ok(!parsed.help && 'config' in parsed, JSON.stringify(parsed));
  assert.equal(parsed.config.command, 'serve');
  assert.equal(parsed.config.host, '0.0.0.0');
  assert.match(parsed.config.databaseUrl ?? '', /^postgres:\/\//);
  const source = readFileSync(`${REPO}control-plane/config.ts`, 'utf8');
  for (const name of namedVariables(example)) {
    assert.ok(source.includes(`env.${name}`), `control-plane/config.ts does not read ${name}`);
  }
});
