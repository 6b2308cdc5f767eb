import { describe, expect, it } from 'vitest';
import { isGuid, newGuid, newSeqId } from './ids.js';

describe('ids', () => {
  it('makes time-ordered ids that sort in the order they were made, also many in one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => newSeqId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The first 48 bits are the time in milliseconds.
    const ms = parseInt(newSeqId().replace('-', '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });

  it('makes upper-case guids', () => {
    expect(isGuid(newGuid())).toBe(true);
  });
});
