import { randomUUID } from 'node:crypto';

/** A CEB message guid: 36 characters, upper case (spec 202205 §3, "系统唯一序号"). */
export const newGuid = (): string => randomUUID().toUpperCase();

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
export const isGuid = (s: string): boolean => GUID.test(s);

/** Platform record id (lower-case UUID v4). */
export const newId = (): string => randomUUID();

/**
 * Time-ordered record id (UUID version 7 layout: 48-bit milliseconds, a 12-bit sequence, then
 * random bits). High-volume tables get these so new rows land at the end of their primary-key
 * index instead of at random places in it; ids made by one process sort in the order they were
 * made, also within one millisecond (the sequence counts; past 4,096 it borrows the next
 * millisecond), so "newest first" never depends on chance. Built from randomUUID, whose random
 * bytes come from a pool (randomBytes per call costs a system call).
 */
let lastMs = 0;
let sequence = 0;
export function newSeqId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    if (++sequence > 0xfff) {
      ms = ++lastMs;
      sequence = 0;
    }
  } else {
    lastMs = ms;
    sequence = 0;
  }
  const t = ms.toString(16).padStart(12, '0');
  const r = randomUUID();
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}${r.slice(18)}`;
}
