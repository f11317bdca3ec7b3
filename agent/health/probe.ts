/** @module Runs one check of any type against its target: the dispatch over the probe modules. */
import type { HealthCheck } from '../../contract/health-check.js';
import { fail } from '../core/health/result.js';
import type { ProbeResult } from '../core/health/result.js';
import { probeDns } from './dns.js';
import { probeHttp } from './http.js';
import { describeError } from './probe-types.js';
import type { ProbeOptions, ProbeTarget } from './probe-types.js';
import { probeScript } from './script.js';
import { probeSmtp } from './smtp.js';
import { probeTcp } from './tcp.js';
import { probeUdp } from './udp.js';

/** A probe function: never throws, always resolves within about `timeoutMs`. */
export type ProbeFn = (
  spec: HealthCheck,
  target: ProbeTarget,
  opts: ProbeOptions,
) => Promise<ProbeResult>;

/** Runs the probe of `spec.type`; a synchronous throw (bad header text…) becomes an `error` failure. */
export const runProbe: ProbeFn = async (spec, target, opts) => {
  try {
    return await dispatch(spec, target, opts);
  } catch (err) {
    return fail('error', describeError(err));
  }
};

const dispatch: ProbeFn = (spec, target, opts) => {
  switch (spec.type) {
    case 'http':
    case 'https':
      return probeHttp(spec, target, opts);
    case 'tcp':
      return probeTcp(spec, target, opts);
    case 'udp':
      return probeUdp(spec, target, opts);
    case 'dns':
      return probeDns(spec, target, opts);
    case 'script':
      return probeScript(spec, target, opts);
    case 'smtp':
      return probeSmtp(spec, target, opts);
    case 'file':
      // The runner follows a file check's file (core/health/file-check.ts); nothing to probe.
      return Promise.resolve(fail('error', 'a file check is not probed'));
  }
};
