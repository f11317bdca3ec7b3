/**
 * @module The pass/fail verdict on an HTTP(S) response (keepalived HTTP_GET/SSL_GET `url` block):
 * the status must be one of `expectStatus`, then the body's MD5 hex must equal `bodyDigest`
 * (keepalived `digest`, as printed by `genhash`) and the body must match `bodyRegex`.
 */
import { createHash } from 'node:crypto';
import { fail, PASS } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import type { CheckOf } from './probe-types.js';

export type HttpSpec = CheckOf<'http'> | CheckOf<'https'>;

/** Whether the body is needed at all (otherwise the probe stops at the status line). */
export function needsBody(spec: HttpSpec): boolean {
  return spec.bodyDigest !== undefined || spec.bodyRegex !== undefined;
}

export function statusVerdict(spec: HttpSpec, status: number | undefined): ProbeResult {
  if (status !== undefined && spec.expectStatus.includes(status)) return PASS;
  return fail('status', `status ${String(status)} not in ${spec.expectStatus.join(',')}`);
}

export function bodyVerdict(spec: HttpSpec, body: Buffer): ProbeResult {
  if (spec.bodyDigest !== undefined) {
    const digest = createHash('md5').update(body).digest('hex');
    if (digest !== spec.bodyDigest) return fail('digest', `md5 ${digest} ≠ ${spec.bodyDigest}`);
  }
  if (spec.bodyRegex !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(spec.bodyRegex);
    } catch (err) {
      return fail('error', `bad bodyRegex: ${String(err)}`);
    }
    if (!re.test(body.toString('utf8')))
      return fail('body', `body does not match /${spec.bodyRegex}/`);
  }
  return PASS;
}
