import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart } from './period.js';

describe('Beijing-day periods', () => {
  it('start at midnight in Beijing, which is 16:00 UTC the day before', () => {
    expect(dayStart('2026-11-01')).toBe('2026-10-31T16:00:00.000Z');
    expect(dayEnd('2026-11-30')).toBe('2026-11-30T16:00:00.000Z');
    expect(dayEnd('2026-12-31')).toBe('2026-12-31T16:00:00.000Z');
  });
  it('refuses days that do not exist', () => {
    expect(() => dayStart('2026-02-30')).toThrow(RangeError);
    expect(() => dayStart('20261101')).toThrow(RangeError);
  });
});
