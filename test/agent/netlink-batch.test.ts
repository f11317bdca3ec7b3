/** agent/linux/ipvs/netlink-batch.ts: the datagram that carries many generic-netlink requests. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBatch } from '../../agent/linux/ipvs/netlink-batch.js';

test('formatBatch: one nlmsghdr + genlmsghdr per request, each asking for an ACK', () => {
  let seq = 41;
  const { datagram, seqs } = formatBatch(
    [
      { command: 5, payload: Uint8Array.of(8, 0, 1, 0, 2, 0, 0, 0) },
      { command: 7, payload: new Uint8Array(0) },
    ],
    { familyId: 0x1d, version: 1, port: 1234, nextSeq: () => ++seq },
  );
  assert.deepEqual(seqs, [42, 43]);
  const hex = Buffer.from(datagram).toString('hex');
  // nlmsghdr: length, type (the family id), flags NLM_F_REQUEST | NLM_F_ACK, seq, port (LE).
  const header = (length: number, s: number) => {
    const b = Buffer.alloc(16);
    b.writeUInt32LE(length, 0);
    b.writeUInt16LE(0x1d, 4);
    b.writeUInt16LE(0x5, 6);
    b.writeUInt32LE(s, 8);
    b.writeUInt32LE(1234, 12);
    return b.toString('hex');
  };
  assert.equal(hex, `${header(28, 42)}05010000` + '0800010002000000' + `${header(20, 43)}07010000`);
});

test('formatBatch refuses a payload that is not 4-byte aligned', () => {
  assert.throws(
    () =>
      formatBatch([{ command: 1, payload: new Uint8Array(3) }], {
        ...{ familyId: 0x1d, version: 1, port: 1 },
        nextSeq: () => 1,
      }),
    RangeError,
  );
});
