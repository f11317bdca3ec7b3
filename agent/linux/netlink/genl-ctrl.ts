/**
 * @module The generic-netlink controller (linux/genetlink.h, net/netlink/genetlink.c): the
 * CTRL_CMD_GETFAMILY request that resolves a family name to its id and version, and its reply.
 * Pure; the kernel answers an unknown name with ENOENT.
 */
import { writeAttributes } from '../../core/ipvs/netlink-attributes-writer.js';
import {
  attributeTable,
  readAttributes,
  readString,
  readU16,
  readU32,
} from '../../core/ipvs/netlink-attributes.js';
import type { GenlFamily, GenlRequest } from './netlink-frame.js';

/** `GENL_ID_CTRL`, version 2 of the controller (`CTRL_VERSION` is unused by the kernel). */
export const GENL_CTRL: GenlFamily = { id: 0x10, version: 2 };
export const CtrlCmd = { NEWFAMILY: 1, GETFAMILY: 3 } as const;
export const CtrlAttr = { FAMILY_ID: 1, FAMILY_NAME: 2, VERSION: 3 } as const;

export function encodeGetFamily(name: string): GenlRequest {
  const payload = writeAttributes((w) => w.string(CtrlAttr.FAMILY_NAME, name));
  return { command: CtrlCmd.GETFAMILY, payload, dump: false };
}

/** The family's name, id and version from a CTRL_CMD_NEWFAMILY reply; throws if unreadable. */
export function decodeFamily(payload: Uint8Array): GenlFamily & { name: string } {
  const attributes = attributeTable(readAttributes(payload));
  const id = attributes.get(CtrlAttr.FAMILY_ID);
  const name = attributes.get(CtrlAttr.FAMILY_NAME);
  if (!id || !name) throw new RangeError('CTRL_CMD_NEWFAMILY without FAMILY_ID or FAMILY_NAME');
  const version = attributes.get(CtrlAttr.VERSION);
  return { id: readU16(id), name: readString(name), version: version ? readU32(version) : 1 };
}

/** The reply the controller sends (for the fake kernel). */
export function encodeFamily(family: GenlFamily & { name: string }): Uint8Array {
  return writeAttributes((w) => {
    w.u16(CtrlAttr.FAMILY_ID, family.id);
    w.string(CtrlAttr.FAMILY_NAME, family.name);
    w.u32(CtrlAttr.VERSION, family.version);
  });
}
