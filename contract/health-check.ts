/**
 * @module Health checks of real servers (and of tracked VRRP scripts): HTTP(S), TCP, UDP, DNS,
 * SMTP and script probes with keepalived/HAProxy-style rise/fall hysteresis, and file checks
 * (keepalived FILE_CHECK) that follow a file's number instead of probing.
 */
import { z } from 'zod';
import { strictObject } from './unknown-fields.js';
import { Port, ProgramPath, Text } from './common.js';
import { ScriptRunAs } from './script-run-as.js';
import { TrackFileInit, TrackFilePath, TrackFileReverse } from './track-file.js';

const intervalMs = z.int().min(100).max(3_600_000).meta({ description: 'Time between probes' });
const retryIntervalMs = z.int().min(100).max(3_600_000).meta({
  description:
    "Time between probes after a failed probe, while the server is still up and its failures count toward `fall` (keepalived's delay_before_retry, HAProxy's fastinter); defaults to intervalMs",
});
const timeoutMs = z
  .int()
  .min(10)
  .max(600_000)
  .meta({ description: 'A probe slower than this fails' });
const rise = z
  .int()
  .min(1)
  .max(100)
  .meta({ description: 'Consecutive successes that bring a server up' });
const fall = z
  .int()
  .min(1)
  .max(100)
  .meta({ description: 'Consecutive failures that take a server down' });

/** Timing shared by every check, with the built-in defaults. */
export const CheckTiming = strictObject({
  intervalMs: intervalMs.default(5000),
  retryIntervalMs: retryIntervalMs.optional(),
  timeoutMs: timeoutMs.default(3000),
  rise: rise.default(2),
  fall: fall.default(3),
});
export type CheckTiming = z.output<typeof CheckTiming>;

/**
 * Timing left unset falls back to the virtual server's `checkDefaults`, then to CheckTiming's
 * defaults; so no defaults here (in zod 4 `.default(x).optional()` still fills in x).
 */
export const CheckTimingOverrides = strictObject({
  intervalMs: intervalMs.optional(),
  retryIntervalMs: retryIntervalMs.optional(),
  timeoutMs: timeoutMs.optional(),
  rise: rise.optional(),
  fall: fall.optional(),
});
export type CheckTimingOverrides = z.output<typeof CheckTimingOverrides>;

const timingShape = {
  ...CheckTimingOverrides.shape,
  port: Port.min(1)
    .optional()
    .meta({ description: "Port to probe; defaults to the real server's port" }),
};

const HttpFields = {
  ...timingShape,
  method: z.enum(['GET', 'HEAD']).default('GET'),
  path: Text(2048).startsWith('/').default('/'),
  host: Text(255).optional().meta({ description: 'Host header (and TLS SNI for https)' }),
  expectStatus: z
    .array(z.int().min(100).max(599))
    .min(1)
    .max(500)
    .default([200])
    .meta({ description: "keepalived's url without status_code expects 200-299" }),
  bodyRegex: Text(1024)
    .optional()
    .meta({ description: 'The body must match this regular expression' }),
  bodyDigest: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be an MD5 hex digest (keepalived genhash)')
    .optional()
    .meta({ description: 'MD5 of the body, as keepalived HTTP_GET digest' }),
};

export const HttpCheck = strictObject({ type: z.literal('http'), ...HttpFields }).meta({
  id: 'HttpCheck',
});
export const HttpsCheck = strictObject({
  type: z.literal('https'),
  ...HttpFields,
  tlsVerify: z.boolean().default(true),
}).meta({ id: 'HttpsCheck' });
export const TcpCheck = strictObject({ type: z.literal('tcp'), ...timingShape }).meta({
  id: 'TcpCheck',
});
export const UdpCheck = strictObject({
  type: z.literal('udp'),
  ...timingShape,
  payloadHex: z
    .string()
    .regex(/^([0-9a-f]{2}){0,1024}$/)
    .default(''),
  expectHex: z
    .string()
    .regex(/^([0-9a-f]{2}){1,1024}$/)
    .optional()
    .meta({
      description:
        'Require a reply starting with these bytes; without it, no ICMP error is success',
    }),
}).meta({ id: 'UdpCheck' });
export const DnsCheck = strictObject({
  type: z.literal('dns'),
  ...timingShape,
  queryName: Text(253).min(1).default('.'),
  queryType: z.enum(['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'SRV', 'PTR', 'CNAME']).default('SOA'),
}).meta({ id: 'DnsCheck' });
export const ScriptCheck = strictObject({
  type: z.literal('script'),
  ...timingShape,
  path: ProgramPath,
  args: z.array(Text(4096)).max(64).default([]),
  dynamicWeight: z
    .boolean()
    .default(false)
    .meta({ description: 'keepalived misc_dynamic: exit 2-255 sets the weight to (code - 2)' }),
  runAs: ScriptRunAs.optional(),
}).meta({ id: 'ScriptCheck' });

export const SmtpCheck = strictObject({
  type: z.literal('smtp'),
  ...timingShape,
  heloName: Text(255)
    .regex(/^[^\s]+$/, 'one word')
    .default('smtpchecker.keepalived.org')
    .meta({ description: 'Sent as HELO (keepalived SMTP_CHECK helo_name)' }),
}).meta({
  id: 'SmtpCheck',
  description:
    'keepalived SMTP_CHECK: a 220 greeting, HELO answered by 250, then QUIT (check_smtp.c)',
});

/**
 * keepalived FILE_CHECK (check/check_file.c, trackers/track_file.c
 * `process_update_checker_track_file_status()`): no probe and no timing; the file is watched and
 * its number moves the real server's weight.
 */
export const FileCheck = strictObject({
  type: z.literal('file'),
  path: TrackFilePath,
  weight: z.int().min(-2147483647).max(2147483647).default(1).meta({
    description:
      "The file's number × weight (× -1 with reverse) is added to the real server's weight (the sum clamped to 0-65535); a product of -2147483648 or below takes the server down. Weight 0: a non-zero number (a zero one, reversed) takes it down",
  }),
  reverse: TrackFileReverse,
  init: TrackFileInit,
}).meta({ id: 'FileCheck' });
export type FileCheck = z.output<typeof FileCheck>;

/** One health check of a real server. */
export const HealthCheck = z
  .discriminatedUnion('type', [
    HttpCheck,
    HttpsCheck,
    TcpCheck,
    UdpCheck,
    DnsCheck,
    ScriptCheck,
    SmtpCheck,
    FileCheck,
  ])
  .meta({ id: 'HealthCheck' });
export type HealthCheck = z.output<typeof HealthCheck>;
export type HealthCheckInput = z.input<typeof HealthCheck>;
