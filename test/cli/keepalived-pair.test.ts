/**
 * A keepalived pair imported into one site: each director keeps its own priority, notify scripts,
 * tracked scripts and unicast source (VrrpMember overrides); exporting each director gives back
 * its own file, and importing those exports changes nothing.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startCliLab, type CliLab } from './cli-lab.js';

interface Half {
  priority: number;
  source: string;
  peer: string;
  notify: string;
  track: string;
}

const conf = (h: Half) => `vrrp_script chk_svc {
    script "${h.track}"
    interval 2
    weight -20
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${h.priority}
    advert_int 1
    unicast_src_ip ${h.source}
    unicast_peer {
        ${h.peer}
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
    track_script {
        chk_svc
    }
    notify_master "${h.notify}"
}
`;

const LB1: Half = {
  priority: 150,
  source: '198.51.100.11',
  peer: '198.51.100.12',
  notify: '/etc/keepalived/lb1-master.sh master',
  track: 'killall -0 haproxy',
};
// lb2 sends from an address that is not its director address, and runs other scripts.
const LB2: Half = {
  priority: 100,
  source: '198.51.100.22',
  peer: '198.51.100.11',
  notify: '/etc/keepalived/lb2-master.sh',
  track: 'pidof nginx',
};

let lab: CliLab;
before(async () => {
  lab = await startCliLab();
  await writeFile(join(lab.dir, 'lb1.conf'), conf(LB1));
  await writeFile(join(lab.dir, 'lb2.conf'), conf(LB2));
});
after(async () => {
  await lab.close();
});

const importAs = (file: string, director: string, address: string, ...more: string[]) =>
  lab.run([
    'import',
    'keepalived',
    join(lab.dir, file),
    '--site',
    'pair1',
    '--director',
    director,
    '--address',
    address,
    ...more,
  ]);

const exportOf = (director: string) =>
  lab.run(['export', 'keepalived', '--site', 'pair1', '--director', director]);

test('both halves of a pair import into one site, each director keeping its own settings', async () => {
  const one = await importAs('lb1.conf', 'lb1', '198.51.100.11');
  assert.equal(one.code, 0, one.stderr);
  const two = await importAs('lb2.conf', 'lb2', '198.51.100.12');
  assert.equal(two.code, 0, two.stderr);
  const instance = (await lab.served.cp.request('GET', '/v1/sites/pair1/vrrp-instances/vi_1')).body;
  assert.equal(instance.notify.master, '/etc/keepalived/lb1-master.sh');
  const [m1, m2] = instance.members;
  assert.deepEqual(
    m1,
    { director: 'lb1', priority: 150 },
    'the first director runs the instance-wide settings',
  );
  assert.equal(m2.director, 'lb2');
  assert.equal(m2.unicastSource, '198.51.100.22');
  assert.deepEqual(m2.notify, {
    master: '/etc/keepalived/lb2-master.sh',
    // keepalived's default script user: keepalived_script where it exists, else root.
    runAs: { master: { requireSafePath: false } },
  });
  assert.equal(m2.trackedChecks[0].path, 'pidof');

  const lb1 = await exportOf('lb1');
  assert.equal(lb1.code, 0, lb1.stderr);
  assert.match(lb1.stdout, /lb1-master\.sh master/);
  assert.match(lb1.stdout, /killall -0 haproxy/);
  assert.doesNotMatch(lb1.stdout, /lb2-master|pidof/, "lb1's file holds none of lb2's scripts");
  assert.match(lb1.stdout, /unicast_src_ip 198\.51\.100\.11\n/);
  assert.match(lb1.stdout, /unicast_peer \{\n\s+198\.51\.100\.22\n/, "lb2's own source");
  const lb2 = await exportOf('lb2');
  assert.equal(lb2.code, 0, lb2.stderr);
  assert.match(lb2.stdout, /lb2-master\.sh/);
  assert.match(lb2.stdout, /pidof nginx/);
  assert.doesNotMatch(lb2.stdout, /lb1-master|killall/);
  assert.match(lb2.stdout, /unicast_src_ip 198\.51\.100\.22\n/);
  assert.match(lb2.stdout, /priority 100\n/);

  // Round trip: each director's export imported back is no change at all.
  await writeFile(join(lab.dir, 'lb1-exported.conf'), lb1.stdout);
  await writeFile(join(lab.dir, 'lb2-exported.conf'), lb2.stdout);
  for (const [file, director, address] of [
    ['lb1-exported.conf', 'lb1', '198.51.100.11'],
    ['lb2-exported.conf', 'lb2', '198.51.100.12'],
  ] as const) {
    const dry = await importAs(file, director, address, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /dry run: 0 to create, 0 to update, \d+ unchanged; nothing was changed\n$/,
    );
  }
});

test('re-importing one half with a changed script changes that director only', async () => {
  await writeFile(join(lab.dir, 'lb1.conf'), conf({ ...LB1, notify: '/usr/local/bin/master.sh' }));
  const again = await importAs('lb1.conf', 'lb1', '198.51.100.11');
  assert.equal(again.code, 0, again.stderr);
  const lb1 = await exportOf('lb1');
  assert.match(lb1.stdout, /notify_master "?\/usr\/local\/bin\/master\.sh"?\n/);
  const lb2 = await exportOf('lb2');
  assert.match(lb2.stdout, /lb2-master\.sh/);
  assert.doesNotMatch(lb2.stdout, /master\.sh master|\/usr\/local\/bin/);
});
