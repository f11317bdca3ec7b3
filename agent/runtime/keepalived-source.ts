/**
 * @module Standalone mode from an existing keepalived.conf (`--keepalived-conf FILE`): the file
 * (with its includes, keepalived's `@id` lines and `$NAME` definitions) is parsed and mapped by
 * contract/keepalived onto this director's desired-state document, which then passes the same
 * gate as every other document. Errors name file:line:column; what fleetlb cannot express is a
 * warning with its position, and the rest runs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import {
  formatDiagnostic,
  parseKeepalivedConf,
  toDesiredState,
  type ConfigSource,
  type KeepalivedConfig,
} from '../../contract/keepalived/index.js';
import { Name } from '../../contract/common.js';
import { refused, type DocumentCheck } from './document-check.js';
import { hostWarnings, thisHost, type HostView } from './keepalived-host-check.js';

export interface KeepalivedSourceOptions {
  /** The site the document names (default `standalone`). */
  site?: string;
  /** Revision stamped on the document; a reload passes the next one. */
  revision?: number;
  /** The host the interfaces and scripts are looked up on (default: this one). */
  host?: HostView;
}

export interface KeepalivedSourceResult {
  check: DocumentCheck;
  /** `file:line:column: warning: …` lines: keywords fleetlb ignores or cannot express. */
  warnings: string[];
}

/** Reads, parses and maps `path`. Never throws. */
export function readKeepalivedConf(
  path: string,
  options: KeepalivedSourceOptions = {},
): KeepalivedSourceResult {
  const text = fileSource.readFile(path);
  if (text === undefined) {
    return { check: refused(path, [{ path: '', message: 'cannot read the file' }]), warnings: [] };
  }
  const configId = hostname().split('.')[0] ?? hostname();
  const parsed = parseKeepalivedConf(text, path, { source: fileSource, configId });
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  const warnings = parsed.diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic);
  if (errors.length > 0) {
    const reasons = errors.map((d) => ({
      path: `${d.file}:${d.line}:${d.column}`,
      message: d.message,
    }));
    return { check: { ok: false, reasons, problems: errors.map(formatDiagnostic) }, warnings };
  }
  const mapped = toDesiredState(parsed.config, {
    site: options.site ?? 'standalone',
    director: directorOf(parsed.config),
    revision: options.revision ?? 1,
    file: path,
  });
  warnings.push(...mapped.warnings.map(formatDiagnostic));
  warnings.push(...hostWarnings(parsed.config, options.host ?? thisHost).map(formatDiagnostic));
  if (mapped.document === undefined) {
    // Every refusal names the keepalived.conf line it comes from, never a JSON path alone.
    const reasons = mapped.errors.map((d) => ({
      path: `${d.file}:${d.line}:${d.column}`,
      message: d.message,
    }));
    return {
      check: { ok: false, reasons, problems: mapped.errors.map(formatDiagnostic) },
      warnings,
    };
  }
  return { check: { ok: true, document: mapped.document }, warnings };
}

/**
 * This director as the document names it: keepalived's `router_id` (else the host name) made a
 * valid name, and the address of the first instance (its unicast source, else its interface's
 * first address). Neither drives behaviour; they label logs, metrics and status.
 */
function directorOf(config: KeepalivedConfig): { name: string; address: string } {
  const wanted = (config.globalDefs.routerId ?? hostname()).toLowerCase();
  const cleaned = wanted.replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const name = Name.safeParse(cleaned.slice(0, 63)).success ? cleaned.slice(0, 63) : 'director';
  const first = config.vrrpInstances[0];
  const fromInterface = networkInterfaces()[first?.interface ?? '']?.find((a) => !a.internal);
  return { name, address: first?.unicastSrcIp ?? fromInterface?.address ?? '127.0.0.1' };
}

/** The file system as the parser sees it: files by path, and glob(3) wildcards per component. */
const fileSource: Required<ConfigSource> = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  glob(pattern) {
    const absolute = pattern.startsWith('/');
    const parts = pattern.split('/').filter((p) => p !== '');
    let matches = [absolute ? '/' : '.'];
    for (const part of parts) {
      if (!/[*?[]/.test(part)) {
        matches = matches.map((m) => join(m, part));
        continue;
      }
      const re = globPart(part);
      matches = matches.flatMap((dir) => {
        try {
          return readdirSync(dir)
            .filter((entry) => re.test(entry) && (part.startsWith('.') || !entry.startsWith('.')))
            .map((entry) => join(dir, entry));
        } catch {
          return [];
        }
      });
    }
    return matches.filter((m) => statSync(m, { throwIfNoEntry: false })?.isFile() === true);
  },
};

/** One path component's wildcard (`*`, `?`, `[…]`) as an anchored regular expression. */
function globPart(part: string): RegExp {
  let source = '';
  for (let i = 0; i < part.length; i += 1) {
    const c = part[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = part.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        source += `[${part
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
