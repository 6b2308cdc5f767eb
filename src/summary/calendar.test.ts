// The summary deadline: the 15th of the next month, moved past rest days; holidays are data.
import { describe, expect, it } from 'vitest';
import { CalendarError, dueDate, nextMonth, parseCalendar, seedCalendar, workCalendar, beijingMonth } from './calendar.js';

const cal = workCalendar(parseCalendar('date,kind,name,source\n2030-05-15,holiday,test holiday,test\n2030-05-16,holiday,test holiday,test\n2030-06-15,workday,调休,test\n'));

describe('summary deadline', () => {
  it('moves a 15th on a Saturday to the Monday, and past holidays, but keeps an adjusted working day', () => {
    // 2030-03-15 is a Friday; 2030-06-15 a Saturday worked (调休); 2031-02-15 a Saturday.
    expect(dueDate('2030-02', cal)).toBe('2030-03-15');
    expect(dueDate('2031-01', cal)).toBe('2031-02-17');
    expect(dueDate('2030-04', cal)).toBe('2030-05-17');
    expect(dueDate('2030-05', cal)).toBe('2030-06-15');
    expect(dueDate('2030-12', cal)).toBe('2031-01-15');
    expect(nextMonth('2030-12')).toBe('2031-01');
  });

  it('reads the shipped calendar: 2025 (国办发明电〔2024〕12号) and the assumed 2026 Spring Festival', () => {
    const seed = seedCalendar();
    // 2025-02-15 Saturday → Monday 17th; 2025-06-15 Sunday → Monday 16th.
    expect(dueDate('2025-01', seed)).toBe('2025-02-17');
    expect(dueDate('2025-05', seed)).toBe('2025-06-16');
    expect(seed.isWorkingDay('2025-02-08')).toBe(true);
    expect(seed.isWorkingDay('2025-10-08')).toBe(false);
    // 2026-02-15 falls in the Spring Festival (15th–23rd, an assumption in the data): the 24th.
    expect(dueDate('2026-01', seed)).toBe('2026-02-24');
    expect(seed.covers('2027-09-15')).toBe(true);
    expect(seed.covers('2031-01-15')).toBe(false);
  });

  it('refuses a broken calendar file', () => {
    expect(() => parseCalendar('date,kind\n2030-02-30,holiday\n')).toThrow(CalendarError);
    expect(() => parseCalendar('date,kind\n2030-02-03,rest\n')).toThrow(/holiday or workday/);
    expect(() => parseCalendar('date,kind\n2030-02-03,holiday\n2030-02-03,workday\n')).toThrow(/twice/);
  });

  it('takes the close month in Beijing time', () => {
    expect(beijingMonth(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09');
    expect(beijingMonth(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10');
  });
});
