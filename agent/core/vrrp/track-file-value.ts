/**
 * @module The number in a tracked file, read as keepalived reads it (trackers/track_file.c
 * `process_track_file()`): the first 127 bytes, strtol(3) with base 0 (leading blanks, a sign,
 * `0x` hex, `0` octal, else decimal; trailing text ignored; no digits reads 0). A missing or empty
 * file reads 0. A number beyond the 64-bit long, below INT32_MIN or above INT32_MAX + 1 is
 * ignored ("Invalid number … - ignoring"): `undefined`, the last value stays.
 */

const READ_BYTES = 127;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX_PLUS_ONE = 2n ** 31n;

/** C isspace(3) in the C locale. */
const BLANKS = /^[ \t\n\v\f\r]*/;

function digitsOf(text: string): { digits: string; radix: 8 | 10 | 16 } {
  const hex = /^0[xX]([0-9a-fA-F]+)/.exec(text);
  if (hex !== null) return { digits: hex[1] ?? '', radix: 16 };
  if (text.startsWith('0')) return { digits: /^[0-7]*/.exec(text)?.[0] ?? '', radix: 8 };
  return { digits: /^[0-9]*/.exec(text)?.[0] ?? '', radix: 10 };
}

function toBigInt(digits: string, radix: 8 | 10 | 16): bigint {
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '';
  return digits === '' ? 0n : BigInt(`${prefix}${digits}`);
}

/** The file's value; `undefined` when keepalived ignores what it read. */
export function trackFileValue(bytes: Uint8Array | undefined): number | undefined {
  if (bytes === undefined || bytes.length === 0) return 0;
  const raw = Buffer.from(bytes.subarray(0, READ_BYTES)).toString('latin1');
  const text = raw.split('\0')[0] ?? '';
  const afterBlanks = text.slice(BLANKS.exec(text)?.[0].length ?? 0);
  const sign = afterBlanks[0] === '-' ? -1n : 1n;
  const unsigned = /^[+-]/.test(afterBlanks) ? afterBlanks.slice(1) : afterBlanks;
  const { digits, radix } = digitsOf(unsigned);
  const value = sign * toBigInt(digits, radix);
  if (value < LONG_MIN || value > LONG_MAX) return undefined; // strtol: ERANGE
  if (value < INT32_MIN || value > INT32_MAX_PLUS_ONE) return undefined;
  return Number(value);
}
