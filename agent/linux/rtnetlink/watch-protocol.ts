/**
 * @module The line protocol between the watcher's child (agent/native/packet-socket/src/rtnl_watch.c) and its parent
 * (watch.ts): one JSON object per stdout line. `ready` once the multicast subscription is in
 * place; `link` and `address` per notification. The parser validates every field, so a garbage
 * or truncated line becomes undefined (counted by the parent), never an exception.
 */
import type { AddressFamily, InterfaceAddress } from './types.js';

export interface LinkEvent {
  kind: 'new' | 'del';
  index: number;
  name: string;
  /** IFF_UP and IFF_RUNNING (see Link.up). */
  up: boolean;
  flags: number;
}

export interface AddressEvent extends InterfaceAddress {
  kind: 'new' | 'del';
}

export type ChildLine =
  | { type: 'ready'; pid: number; recvBufferBytes: number }
  | ({ type: 'link' } & LinkEvent)
  | ({ type: 'address' } & AddressEvent);

const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isKind = (v: unknown): v is 'new' | 'del' => v === 'new' || v === 'del';
const isFamily = (v: unknown): v is AddressFamily => v === 'ipv4' || v === 'ipv6';

function parseAddress(o: Record<string, unknown>): ChildLine | undefined {
  const { kind, interfaceIndex, address, prefixLength, family, scope, flags, label } = o;
  if (
    !isKind(kind) ||
    !isInt(interfaceIndex) ||
    typeof address !== 'string' ||
    !isInt(prefixLength)
  ) {
    return undefined;
  }
  if (!isFamily(family) || !isInt(scope) || !isInt(flags)) return undefined;
  const event: { type: 'address' } & AddressEvent = {
    type: 'address',
    kind,
    interfaceIndex,
    address,
    prefixLength,
    family,
    scope,
    flags,
  };
  if (typeof label === 'string') event.label = label;
  if (isInt(o.validLifetimeS)) event.validLifetimeS = o.validLifetimeS;
  if (isInt(o.preferredLifetimeS)) event.preferredLifetimeS = o.preferredLifetimeS;
  return event;
}

/** One child line as a ChildLine, or undefined when it is not valid JSON of a known shape. */
export function parseChildLine(line: string): ChildLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
      return isInt(o.pid) && isInt(o.recvBufferBytes)
        ? { type: 'ready', pid: o.pid, recvBufferBytes: o.recvBufferBytes }
        : undefined;
    case 'link': {
      const { kind, index, name, up, flags } = o;
      if (
        !isKind(kind) ||
        !isInt(index) ||
        typeof name !== 'string' ||
        typeof up !== 'boolean' ||
        !isInt(flags)
      ) {
        return undefined;
      }
      return { type: 'link', kind, index, name, up, flags };
    }
    case 'address':
      return parseAddress(o);
    default:
      return undefined;
  }
}
