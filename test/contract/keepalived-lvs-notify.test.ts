/**
 * keepalived's LVS notify scripts and `alpha`: `notify_up`/`notify_down` on a real server,
 * `quorum_up`/`quorum_down` and `alpha` on a virtual server map onto the model (each script with
 * its own arguments), export back to the same keywords, and re-import to the same document.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseKeepalivedConf,
  renderKeepalivedConf,
  toDesiredState,
  type ToDesiredStateResult,
} from '../../contract/index.js';

const director = { name: 'lb1', address: '198.51.100.1' };
const mapText = (text: string): ToDesiredStateResult =>
  toDesiredState(parseKeepalivedConf(text, 'k.conf').config, { site: 'lab', director });

const CONF = `
virtual_server 192.0.2.80 80 {
    delay_loop 5
    lb_kind DR
    protocol TCP
    alpha
    omega
    quorum 1
    quorum_up "/usr/local/bin/lvs-alert quorum up"
    quorum_down /usr/local/bin/lvs-alert-down
    real_server 198.51.100.80 80 {
        weight 1
        notify_up "/usr/local/bin/rs-notify 198.51.100.80 UP"
        notify_down "/usr/local/bin/rs-notify 198.51.100.80 DOWN" nobody nogroup
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`;

describe('keepalived notify_up/notify_down, quorum_up/quorum_down, alpha', () => {
  test('map onto the real server and the virtual server, each script with its own arguments', () => {
    const result = mapText(CONF);
    const vs = result.document?.virtualServers[0];
    assert.equal(vs?.initialHealth, 'down');
    assert.deepEqual(vs?.quorumNotify, {
      up: '/usr/local/bin/lvs-alert',
      down: '/usr/local/bin/lvs-alert-down',
      args: { up: ['quorum', 'up'] },
      // keepalived's default script user (keepalived_script if it exists, else root).
      runAs: { up: { requireSafePath: false }, down: { requireSafePath: false } },
    });
    assert.deepEqual(vs?.realServers[0]?.notify, {
      up: '/usr/local/bin/rs-notify',
      down: '/usr/local/bin/rs-notify',
      args: { up: ['198.51.100.80', 'UP'], down: ['198.51.100.80', 'DOWN'] },
      runAs: {
        up: { requireSafePath: false },
        down: { user: 'nobody', group: 'nogroup', requireSafePath: false },
      },
    });
    const messages = result.warnings.map((w) => w.message).join('\n');
    assert.doesNotMatch(messages, /notify_up|quorum_up|alpha/);
    assert.match(messages, /omega is not supported/);
  });

  test('export writes them back and re-import gives the same virtual servers', () => {
    const first = mapText(CONF).document;
    assert.ok(first);
    const text = renderKeepalivedConf(first);
    assert.match(text, /^\s*alpha$/m);
    assert.match(text, /quorum_up "\/usr\/local\/bin\/lvs-alert quorum up"/);
    assert.match(
      text,
      /notify_down "\/usr\/local\/bin\/rs-notify 198.51.100.80 DOWN" nobody nogroup/,
    );
    const again = mapText(text).document;
    assert.deepEqual(again?.virtualServers, first.virtualServers);
  });

  test('without them: initialHealth up, no hooks', () => {
    const vs = mapText(CONF.replace(/^\s*(alpha|omega|quorum_\w+|notify_\w+).*$/gm, '')).document
      ?.virtualServers[0];
    assert.equal(vs?.initialHealth, 'up');
    assert.equal(vs?.quorumNotify, undefined);
    assert.equal(vs?.realServers[0]?.notify, undefined);
  });
});
