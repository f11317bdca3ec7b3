/**
 * agent/health/smtp.ts (keepalived SMTP_CHECK) against small SMTP servers on 127.0.0.1: the
 * 220 → HELO → 250 → QUIT dialogue, and each way keepalived's check_smtp.c fails it.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { smtpStatus } from '../../agent/health/smtp.js';
import { assertFails, HOST, probe } from '../support/health-probe.js';

const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

/** An SMTP server answering with `greeting`, then `helo(line)` to HELO, then 221 to QUIT. */
async function smtpServer(
  greeting: string,
  helo: (line: string) => string = () => '250 pleased to meet you\r\n',
): Promise<{ port: number; heard: string[] }> {
  const heard: string[] = [];
  const server = createServer((socket: Socket) => {
    socket.write(greeting);
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      for (let end = buffered.indexOf('\r\n'); end !== -1; end = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        heard.push(line);
        if (line.startsWith('HELO ')) socket.write(helo(line));
        else if (line === 'QUIT') socket.end('221 bye\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, HOST, r));
  return { port: (server.address() as AddressInfo).port, heard };
}

describe('smtp probe', () => {
  test("up after 220, HELO answered by 250, QUIT; sends keepalived's default HELO name", async () => {
    const { port, heard } = await smtpServer('220 mx.example ESMTP\r\n');
    assert.deepEqual(await probe({ type: 'smtp' }, port), { ok: true });
    assert.deepEqual(heard, ['HELO smtpchecker.keepalived.org', 'QUIT']);
    const named = await smtpServer('220 mx.example ESMTP\r\n');
    assert.deepEqual(await probe({ type: 'smtp', heloName: 'lb1.example' }, named.port), {
      ok: true,
    });
    assert.equal(named.heard[0], 'HELO lb1.example');
  });

  test('a greeting other than 220 fails with status (a 220- continuation too, as keepalived)', async () => {
    assertFails(
      await probe({ type: 'smtp' }, (await smtpServer('554 go away\r\n')).port),
      'status',
    );
    const multi = await smtpServer('220-mx.example\r\n220 ESMTP\r\n');
    assertFails(await probe({ type: 'smtp' }, multi.port), 'status');
  });

  test('a HELO refused fails with status', async () => {
    const { port } = await smtpServer('220 ok\r\n', () => '501 syntax\r\n');
    assertFails(await probe({ type: 'smtp' }, port), 'status');
  });

  test('a server that never greets times out', async () => {
    const { port } = await smtpServer('');
    assertFails(await probe({ type: 'smtp' }, port, 200), 'timeout');
  });

  test('reply codes are read as check_smtp.c smtp_get_status() reads them', () => {
    assert.equal(smtpStatus('220 mx ESMTP'), 220);
    assert.equal(smtpStatus('250'), 250);
    assert.equal(smtpStatus('220-mx'), -1);
    assert.equal(smtpStatus('22 short'), -1);
    assert.equal(smtpStatus('2200 long'), -1);
  });
});
