import { USCC_ALPHABET, usccCheckChar } from '../../src/registry/index.js';
import type { EnterpriseInput } from '../../src/registry/index.js';

/** A valid USCC built from a sequence number: 9 (工商) 1 (企业) + Jinhua division + 9-char body. */
export function usccFor(n: number, division = '330782'): string {
  let body = '';
  let v = n;
  for (let i = 0; i < 9; i++) {
    body = USCC_ALPHABET[v % 31] + body;
    v = Math.floor(v / 31);
  }
  const first17 = '91' + division + body;
  return first17 + usccCheckChar(first17);
}

export function customsCodeFor(n: number): string {
  return '3318' + String(n).padStart(6, '0');
}

export function enterpriseInput(n: number, over: Partial<EnterpriseInput> = {}): EnterpriseInput {
  return {
    uscc: usccFor(n),
    customsCode: customsCodeFor(n),
    dxpId: `DXPENT${String(n).padStart(10, '0')}`,
    nameZh: `义乌测试跨境电商有限公司${n}`,
    nameEn: `Yiwu Test CBEC Co. ${n}`,
    roles: ['ebc'],
    county: '330782',
    ...over,
  };
}
