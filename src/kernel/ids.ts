import { randomBytes, randomUUID } from 'node:crypto';

/** A CEB message guid: 36 characters, upper case (spec 202205 §3, "系统唯一序号"). */
export const newGuid = (): string => randomUUID().toUpperCase();

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
export const isGuid = (s: string): boolean => GUID.test(s);

/** Platform record id (lower-case UUID v4). */
export const newId = (): string => randomUUID();

let lastMs = 0;
let counter = 0;
/**
 * Time-ordered record id (UUID version 7 layout: 48-bit milliseconds, then a counter and random
 * bits). High-volume tables get these so new rows land at the end of their primary-key index
 * instead of at random places in it.
 */
export function newSeqId(): string {
  const ms = Date.now();
  if (ms === lastMs) counter = (counter + 1) & 0xfff;
  else { lastMs = ms; counter = randomBytes(2).readUInt16BE(0) & 0x7ff; }
  const r = randomBytes(8);
  const hex = ms.toString(16).padStart(12, '0') + '7' + counter.toString(16).padStart(3, '0') +
    ((r[0]! & 0x3f) | 0x80).toString(16).padStart(2, '0') + r.subarray(1).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
