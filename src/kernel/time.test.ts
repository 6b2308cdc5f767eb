import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectCustomsTimeFormat, formatCustomsTime, parseCustomsTime } from './time.js';

describe('customs time formats (Beijing time, UTC+8)', () => {
  const at = new Date('2022-05-31T16:30:05.042Z'); // 2022-06-01 00:30:05.042 in Beijing
  it('formats in Beijing time, crossing the date line of UTC', () => {
    expect(formatCustomsTime(at)).toBe('20220601003005');
    expect(formatCustomsTime(at, 'YYYYMMDDhhmmssSSS')).toBe('20220601003005042');
    expect(formatCustomsTime(at, 'YYYYMMDD')).toBe('20220601');
  });
  it('parses each format back', () => {
    expect(parseCustomsTime('20220601003005042').toISOString()).toBe('2022-05-31T16:30:05.042Z');
    expect(parseCustomsTime('20220601003005').toISOString()).toBe('2022-05-31T16:30:05.000Z');
    expect(parseCustomsTime('20220601').toISOString()).toBe('2022-05-31T16:00:00.000Z');
  });
  it('detects the format by shape', () => {
    expect(detectCustomsTimeFormat('20220601')).toBe('YYYYMMDD');
    expect(detectCustomsTimeFormat('20220601003005')).toBe('YYYYMMDDhhmmss');
    expect(detectCustomsTimeFormat('2022-06-01')).toBeUndefined();
  });
  it.each(['20230230', '20231301', '20230101246000', '2023010112', '2023-01-01', ''])('rejects %s', (bad) => {
    expect(() => parseCustomsTime(bad)).toThrow(RangeError);
  });
  it('round-trips any instant to the millisecond', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) =>
      parseCustomsTime(formatCustomsTime(d, 'YYYYMMDDhhmmssSSS')).getTime() === d.getTime()));
  });
});
