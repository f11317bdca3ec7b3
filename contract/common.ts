/** @module Building blocks shared by every contract schema: names, labels, addresses, ports. */
import { z } from 'zod';
import { addressFamily } from './ip.js';

/** A resource name: DNS-label-like, unique within its parent, immutable (it is the URL key). */
export const Name = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/,
    'must be 1-63 of a-z 0-9 . _ - (starting and ending alphanumeric)',
  )
  .meta({ description: 'Resource name, unique within its parent', example: 'web-https' });

// NUL and lone surrogates: valid in JSON strings, but PostgreSQL cannot store them.
// eslint-disable-next-line no-control-regex -- finding the NUL character is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string that can be stored and shown: no NUL character, no lone UTF-16 surrogate. */
export const Text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((t) => !UNSTORABLE.test(t), 'contains a NUL character or a lone surrogate');

/** Free text limited in size, for descriptions. */
export const Description = Text(1024);

/** Key/value labels (Kubernetes-style), used by label selectors. */
export const Labels = z
  .record(
    z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9._/-]{0,62}[A-Za-z0-9])?$/, 'invalid label key'),
    z.string().regex(/^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/, 'invalid label value'),
  )
  .refine((labels) => Object.keys(labels).length <= 64, 'at most 64 labels')
  .meta({ example: { app: 'web', version: 'v1' } });

/** An IPv4 or IPv6 address (any valid text form; compared canonically). */
export const IpAddress = z
  .string()
  .refine((text) => addressFamily(text) !== undefined, 'must be an IPv4 or IPv6 address')
  .meta({ format: 'ip', example: '192.0.2.10' });

export const AddressFamily = z.enum(['ipv4', 'ipv6']);

/** A TCP/UDP/SCTP port; 0 is allowed only where a rule says so (persistent all-port services). */
export const Port = z.int().min(0).max(65535);

/** A Linux interface name (IFNAMSIZ - 1 = 15 bytes, no slash or whitespace). */
/** Characters no name or label may hold: white space and ASCII control characters. */
export const NO_CONTROL_CHARACTERS = '\\s\\u0000-\\u001f\\u007f';

export const InterfaceName = Text(15)
  .regex(
    new RegExp(`^(?!\\.{1,2}$)[^/:${NO_CONTROL_CHARACTERS}]{1,15}$`),
    'must be a Linux interface name (1-15 characters, no /, : or spaces, not . or ..)',
  )
  .refine((name) => new TextEncoder().encode(name).length <= 15, 'at most 15 bytes (IFNAMSIZ - 1)');

/** An absolute path on the director (scripts, notify hooks). */
export const AbsolutePath = Text(4096).regex(/^\//, 'must be an absolute path');

/**
 * A program to run on the director: an absolute path, or a bare command name looked up in the
 * agent's PATH when it runs (execvp(3), as keepalived's lib/notify.c `find_path()` does for a
 * script named without a slash). Relative paths with a slash are refused.
 */
export const ProgramPath = Text(4096)
  .regex(/^(\/|[^/]+$)/, 'must be an absolute path or a command name without a slash')
  .meta({ description: 'Absolute path, or a command name looked up in PATH' });

/** A semantic validation problem: where (path into the object) and what. */
export interface Issue {
  path: (string | number)[];
  message: string;
}
