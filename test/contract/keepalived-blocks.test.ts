/** contract/keepalived: lexer, block parser, includes and value errors, with positions. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  type ConfigSource,
  type KeepalivedDiagnostic,
  lex,
  parseBlocks,
  parseBlocksFile,
  parseKeepalivedConf,
  toDesiredState,
} from '../../contract/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures-keepalived');

/** An in-memory file system for include tests. */
function memory(files: Record<string, string>): ConfigSource {
  return {
    readFile: (path) => files[path],
    glob: (pattern) => {
      const re = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
      return Object.keys(files).filter((p) => re.test(p));
    },
  };
}

function only(ds: KeepalivedDiagnostic[], severity: 'error' | 'warning'): KeepalivedDiagnostic[] {
  return ds.filter((d) => d.severity === severity);
}

const strip = (n: unknown): unknown =>
  JSON.parse(
    JSON.stringify(n, (k, v: unknown) =>
      k === 'at' || k === 'argsAt' || k === 'rawArgs' || k === 'endAt' ? undefined : v,
    ),
  );

describe('lexer', () => {
  test('only double quotes quote (lib/parser.c alloc_strvec_r); "#" and "!" start comments outside them', () => {
    const { lines } = lex(`a "b c"d "e # f" # comment\nx!y\n  script "x" ! z\n// don't 'x`, 'f');
    assert.deepEqual(
      lines.map((l) => l.tokens.map((t) => t.text)),
      [['a', 'b c', 'd', 'e # f'], ['x'], ['script', 'x'], ['//', "don't", "'x"]],
    );
  });
  test('braces are tokens even without spaces; a quoted brace is a word', () => {
    const { lines } = lex('url{path /x}"{"', 'f');
    assert.deepEqual(
      lines[0]?.tokens.map((t) => [t.kind, t.text]),
      [
        ['word', 'url'],
        ['open', '{'],
        ['word', 'path'],
        ['word', '/x'],
        ['close', '}'],
        ['word', '{'],
      ],
    );
  });
  test('no escapes at this level, but \\# and \\! are the characters (lib/parser.c decomment)', () => {
    assert.equal(lex('"a\\tb"', 'f').lines[0]?.tokens[0]?.text, 'a\\tb');
    assert.deepEqual(
      lex('x a\\#b', 'f').lines[0]?.tokens.map((t) => t.text),
      ['x', 'a#b'],
    );
  });
  test('an unmatched quote is a warning at the quote; the rest of the line is not read', () => {
    const { lines, diagnostics } = lex('vrrp_script x {\n  script "/bin/true\n}', 'k.conf');
    assert.deepEqual(
      lines[1]?.tokens.map((t) => t.text),
      ['script'],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.line, d.column]),
      [['warning', 2, 10]],
    );
  });
});

describe('block parser', () => {
  test('braces on the same line or the next; several statements per line', () => {
    const text = 'vrrp_instance VI_1\n{\n state MASTER\n virtual_ipaddress { 192.0.2.1 }\n}';
    const { nodes, diagnostics } = parseBlocks(text, 'f');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(strip(nodes), [
      {
        keyword: 'vrrp_instance',
        args: ['VI_1'],
        children: [
          { keyword: 'state', args: ['MASTER'] },
          {
            keyword: 'virtual_ipaddress',
            args: [],
            children: [{ keyword: '192.0.2.1', args: [] }],
          },
        ],
      },
    ]);
    assert.deepEqual(nodes[0]?.children?.[0]?.at, { file: 'f', line: 3, column: 2 });
  });
  test('an unclosed block is a warning at its opening brace (keepalived ends it with the file)', () => {
    const { diagnostics } = parseBlocks('global_defs {\n  router_id a\n', 'k.conf');
    assert.deepEqual(only(diagnostics, 'error'), []);
    assert.deepEqual(
      only(diagnostics, 'warning').map((d) => [d.line, d.column]),
      [[1, 13]],
    );
  });
  test('an extra closing brace is a warning at that brace ("Extra \'}\' found")', () => {
    const { diagnostics } = parseBlocks('global_defs {\n}\n  }\n', 'k.conf');
    assert.deepEqual(only(diagnostics, 'error'), []);
    assert.deepEqual(
      only(diagnostics, 'warning').map((d) => [d.line, d.column]),
      [[3, 3]],
    );
  });
  test('random text never throws', () => {
    const alphabet = fc.constantFrom(...'ab {}"\'#!\n\t\\@$=/.1'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 200 }), fc.string(), (text, junk) => {
        parseKeepalivedConf(text, 'f');
        parseKeepalivedConf(junk, 'f');
      }),
      { numRuns: 500 },
    );
  });
  test('random keyword soup never throws, through interpretation and mapping', () => {
    const words = `global_defs vrrp_version vrrp_instance virtual_router_id priority advert_int
      state version virtual_ipaddress unicast_peer track_script track_interface weight
      authentication auth_type vrrp_script script vrrp_sync_group group virtual_server
      virtual_server_group fwmark real_server HTTP_GET SSL_GET TCP_CHECK MISC_CHECK DNS_CHECK
      url path digest status_code retry lb_kind sorry_server persistence_granularity
      persistence_timeout notify_master interface { } 1 0 256 192.0.2.1 192.0.2.1-9
      2001:db8::1/64 eth0 x "a b"`.split(/\s+/);
    const soup = fc
      .array(fc.oneof(fc.constantFrom(...words), fc.constant('\n')), { maxLength: 120 })
      .map((ws) => ws.join(' '));
    fc.assert(
      fc.property(soup, (text) => {
        const { config } = parseKeepalivedConf(text, 'k.conf');
        toDesiredState(config, { site: 's', director: { name: 'd', address: '198.51.100.1' } });
      }),
      { numRuns: 1000 },
    );
  });
  test('deep nesting does not overflow the stack', () => {
    const r = parseBlocks('a {'.repeat(50_000), 'f');
    assert.equal(only(r.diagnostics, 'warning').length, 50_000);
  });
  test('$NAME= definitions expand where used (lib/parser.c replace_param), multi-line ones too', () => {
    const text = '$ID=7\n$VS= \\\n  virtual_server x {\\\n }\nrouter_id a${ID} $ID $UNSET\n$VS';
    const r = parseBlocks(text, 'f');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(strip(r.nodes), [
      { keyword: 'router_id', args: ['a7', '7', '$UNSET'] },
      { keyword: 'virtual_server', args: ['x'], children: [] },
    ]);
  });
  test('${_PWD} is the directory of the file being read; _INSTANCE the config id', () => {
    const source = memory({ '/etc/k/sub/a.conf': 'router_id ${_INSTANCE}' });
    const r = parseBlocks('include ${_PWD}/sub/a.conf', '/etc/k/keepalived.conf', {
      source,
      configId: 'lb1',
    });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(strip(r.nodes), [{ keyword: 'router_id', args: ['lb1'] }]);
  });
});

describe('includes', () => {
  test('resolve relative to the including file (fixtures on disk)', () => {
    const source: ConfigSource = {
      readFile: (p) => {
        try {
          return readFileSync(p, 'utf8');
        } catch {
          return undefined;
        }
      },
    };
    const main = join(FIXTURES, 'main.conf');
    const blocks = parseBlocksFile(main, { source });
    assert.deepEqual(blocks.diagnostics, []);
    const { config, diagnostics } = parseKeepalivedConf(readFileSync(main, 'utf8'), main, {
      source,
    });
    assert.deepEqual(diagnostics, []);
    assert.equal(config.globalDefs.routerId, 'fixture');
    assert.deepEqual(config.vrrpScripts[0]?.script, ['/usr/bin/curl', '-sf', 'http://127.0.0.1/']);
    assert.equal(config.vrrpScripts[0]?.at.file, join(FIXTURES, 'common/scripts.conf'));
    const vi = config.vrrpInstances[0];
    assert.deepEqual(vi?.trackScripts, [{ name: 'chk_http', weight: -20 }]);
    assert.equal(vi.virtualIpaddress[0]?.prefixLength, 24);
    assert.equal(vi.virtualIpaddress[0]?.dev, 'eth0');
  });
  test('wildcards expand through glob(), sorted', () => {
    const source = memory({
      '/etc/k/conf.d/b.conf': 'vrrp_script b {\n}',
      '/etc/k/conf.d/a.conf': 'vrrp_script a {\n}',
    });
    const r = parseKeepalivedConf('include conf.d/*.conf', '/etc/k/keepalived.conf', { source });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(
      r.config.vrrpScripts.map((s) => s.name),
      ['a', 'b'],
    );
  });
  test('a missing include is an error at the file name', () => {
    const r = parseBlocks('\n  include nope.conf', '/etc/k/keepalived.conf', {
      source: memory({}),
    });
    assert.deepEqual(r.diagnostics, [
      {
        severity: 'error',
        message: 'cannot read included file /etc/k/nope.conf',
        file: '/etc/k/keepalived.conf',
        line: 2,
        column: 11,
      },
    ]);
  });
  test('an include cycle is an error, not a hang', () => {
    const source = memory({ '/k/a.conf': 'include b.conf', '/k/b.conf': 'include a.conf' });
    const r = parseBlocks('include a.conf', '/k/main.conf', { source });
    const errors = only(r.diagnostics, 'error');
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]?.message ?? '',
      /include cycle: .*a\.conf → \/k\/b\.conf → \/k\/a\.conf/,
    );
    assert.equal(errors[0]?.file, '/k/b.conf');
  });
  test('the depth limit stops runaway nesting', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`/k/${i}.conf`] = `include ${i + 1}.conf`;
    const r = parseBlocks('include 0.conf', '/k/main.conf', {
      source: memory(files),
      maxIncludeDepth: 3,
    });
    assert.match(only(r.diagnostics, 'error')[0]?.message ?? '', /nested deeper than 3/);
  });
});

describe('interpretation diagnostics', () => {
  const errorsOf = (text: string): [number, number, string][] =>
    only(parseKeepalivedConf(text, 'k.conf').diagnostics, 'error').map((d) => [
      d.line,
      d.column,
      d.message,
    ]);
  test('VRID outside 1-255 is an error at the value', () => {
    assert.deepEqual(errorsOf('vrrp_instance V {\n  virtual_router_id 256\n}'), [
      [2, 21, "'virtual_router_id' must be an integer 1-255, not '256'"],
    ]);
  });
  const warningsOf = (text: string): [number, number, string][] =>
    only(parseKeepalivedConf(text, 'k.conf').diagnostics, 'warning').map((d) => [
      d.line,
      d.column,
      d.message,
    ]);
  test("a non-number priority is keepalived's default 100, with a warning", () => {
    const r = parseKeepalivedConf('vrrp_instance V {\n priority 100,xyz\n}', 'k.conf');
    assert.deepEqual(only(r.diagnostics, 'error'), []);
    assert.equal(r.config.vrrpInstances[0]?.priority, 100);
    assert.equal(warningsOf('vrrp_instance V {\n priority high\n}')[0]?.[1], 11);
  });
  test('a bad address is skipped with a warning (VIP, real server, unicast peer), as keepalived skips it', () => {
    const text =
      'vrrp_instance V {\n virtual_ipaddress {\n  192.0.2.300/24\n }\n unicast_peer {\n  10.0.0.x\n }\n}\n' +
      'virtual_server 192.0.2.1 80 {\n real_server 10.1.1 80 {\n }\n}';
    assert.deepEqual(errorsOf(text), []);
    assert.deepEqual(
      warningsOf(text).map(([l, c]) => [l, c]),
      [
        [3, 3],
        [6, 3],
        [10, 14],
      ],
    );
  });
  test('an unknown keyword is a warning with its line, never an error', () => {
    const r = parseKeepalivedConf('global_defs {\n  frobnicate 3\n}', 'k.conf');
    assert.deepEqual(only(r.diagnostics, 'error'), []);
    assert.deepEqual(
      only(r.diagnostics, 'warning').map((d) => [d.line, d.column]),
      [[2, 3]],
    );
  });
  test('old and new spellings: nb_get_retry/retry, lb_algo/lvs_sched, lb_kind/lvs_method', () => {
    const text =
      'virtual_server 2001:db8::1 443 {\n lvs_sched wlc\n lvs_method DR\n' +
      ' real_server 2001:db8::2 443 {\n  SSL_GET {\n   nb_get_retry 4\n   url {\n    path /h\n' +
      '    status_code 200 300-302\n   }\n  }\n }\n}';
    const { config, diagnostics } = parseKeepalivedConf(text, 'k.conf');
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.line, d.message.slice(0, 26)]),
      [['warning', 6, 'nb_get_retry is deprecated']],
    );
    const vs = config.virtualServers[0];
    assert.equal(vs?.lbAlgo, 'wlc');
    assert.equal(vs.lbKind, 'DR');
    const check = vs.realServers[0]?.checkers[0];
    assert.equal(check?.retry, 4);
    assert.deepEqual(check.urls[0]?.statusCodes, [200, 300, 301, 302]);
  });
  test('global vrrp_version applies unless the instance sets version', () => {
    const text =
      'global_defs {\n vrrp_version 3\n}\nvrrp_instance A {\n}\nvrrp_instance B {\n version 2\n}';
    const { config } = parseKeepalivedConf(text, 'k.conf');
    assert.deepEqual(
      config.vrrpInstances.map((v) => v.version),
      [3, 2],
    );
  });
});
