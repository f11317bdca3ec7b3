/** @module Building blocks shared by every contract schema: names, labels, addresses, ports. */
import { z } from 'zod';
import { addressFamily } from './ip.js';

/** A resource name: DNS-label-like, unique within its parent, immutable (it is the URL key). */
export const Name = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/, 'must be 1-63 of a-z 0-9 . _ - (starting and ending alphanumeric)')
  .meta({ description: 'Resource name, unique within its parent', example: 'web-https' });

/** Free text limited in size, for descriptions. */
export const Description = z.string().max(1024);

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
export const InterfaceName = z
  .string()
  .regex(/^(?!\.{1,2}$)[^\s/:]{1,15}$/, 'must be a Linux interface name (1-15 characters, no /, : or spaces, not . or ..)')
  .refine((name) => new TextEncoder().encode(name).length <= 15, 'at most 15 bytes (IFNAMSIZ - 1)');

/** An absolute path on the director (scripts, notify hooks). */
export const AbsolutePath = z.string().regex(/^\/[^\0]{0,4095}$/, 'must be an absolute path');

/** A semantic validation problem: where (path into the object) and what. */
export interface Issue {
  path: (string | number)[];
  message: string;
}
