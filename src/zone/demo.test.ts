import { describe, expect, it } from 'vitest';
import { validateEnterpriseInput } from '../registry/rules/validate.js';
import { demoEnterprises } from './demo.js';
import { zoneProfiles } from './profiles.js';

describe.each(['jinhua', 'zhoushan'] as const)('demo enterprises of %s', (id) => {
  const zone = zoneProfiles[id];
  const demo = demoEnterprises(zone);

  it('pass every registry rule of their zone', () => {
    for (const e of demo) expect(validateEnterpriseInput(e, zone), e.nameZh).toEqual([]);
  });

  it('have distinct codes and say they are demo data', () => {
    const codes = demo.flatMap((e) => [e.uscc, e.customsCode]);
    expect(new Set(codes).size).toBe(codes.length);
    expect(demo.every((e) => e.nameZh.includes('演示') && e.nameEn?.includes('demo'))).toBe(true);
  });
});
