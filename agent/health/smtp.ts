/**
 * @module SMTP probe (keepalived SMTP_CHECK, check_smtp.c smtp_engine_thread()): connect, read a
 * `220` greeting, send `HELO name`, read a `250`, send `QUIT` and read its reply. Each reply is
 * judged on its first line as keepalived judges it: three digits followed by a space or nothing
 * (so a multi-line `220-` greeting fails there too).
 */
import { connect } from 'node:net';
import { fail, PASS } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { describeError, reasonOfError } from './probe-types.js';
import type { CheckOf, ProbeOptions, ProbeTarget } from './probe-types.js';
import { settler } from './settle.js';

/** keepalived reads replies into a 512-byte buffer (SMTP_BUFF_MAX). */
const MAX_LINE = 512;

/** The reply code of an SMTP line as check_smtp.c smtp_get_status() reads it, or -1. */
export function smtpStatus(line: string): number {
  const m = /^(\d{3})(?: |$)/.exec(line);
  return m === null ? -1 : Number(m[1]);
}

export function probeSmtp(
  spec: CheckOf<'smtp'>,
  target: ProbeTarget,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  const socket = connect({ host: target.address, port: target.port });
  const s = settler(opts, () => socket.destroy());
  // What each step expects before sending the next command (undefined: any reply, then done).
  const steps: { expect?: number; send?: string; what: string }[] = [
    { expect: 220, send: `HELO ${spec.heloName}\r\n`, what: 'greeting banner' },
    { expect: 250, send: 'QUIT\r\n', what: 'HELO response' },
    { what: 'QUIT response' },
  ];
  let buffered = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end).replace(/\r$/, '');
      buffered = buffered.slice(end + 1);
      const step = steps.shift();
      if (step === undefined) return;
      if (step.expect !== undefined && smtpStatus(line) !== step.expect)
        return s.settle(fail('status', `bad SMTP ${step.what}: ${line.slice(0, 80)}`));
      if (step.send === undefined) return s.settle(PASS);
      socket.write(step.send);
    }
    if (buffered.length > MAX_LINE) s.settle(fail('status', 'SMTP reply line too long'));
  });
  socket.once('end', () => s.settle(fail('refused', 'connection closed mid-dialogue')));
  socket.once('error', (err) => s.settle(fail(reasonOfError(err), describeError(err))));
  return s.promise;
}
