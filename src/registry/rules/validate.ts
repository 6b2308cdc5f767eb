// Pure checks of an enterprise record against the registry's rules and the zone profile.
// Every problem is reported (not just the first), each with its field path.
import { issue, type Issue } from '../../kernel/errors.js';
import type { ZoneProfile } from '../../zone/index.js';
import type { EnterpriseInput, EnterprisePatch } from '../model.js';
import { checkUscc } from './uscc.js';
import { ROLE_CODES, STATUS_CODES, creditLevel } from './catalogue.js';

/** Field limits. Names follow CEB copName-style limits; codes follow their standards. */
export const LIMITS = {
  nameZh: 200, nameEn: 200, address: 255, contacts: 20,
  contactName: 50, contactPhone: 50, contactEmail: 100, contactTitle: 50,
} as const;

const CUSTOMS_CODE = /^[0-9A-Z]{10}$/;
const DXP_ID = /^[0-9A-Z]{1,30}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Present<T> = T extends undefined ? never : T;
const given = <T>(v: T): v is Present<T> & {} => v !== undefined && v !== null;

function text(issues: Issue[], path: string, value: unknown, max: number, required: boolean): value is string {
  if (value === undefined || value === null || value === '') {
    if (required) issues.push(issue('REQUIRED', path, { field: path }));
    return false;
  }
  if (typeof value !== 'string') {
    issues.push(issue('TYPE', path, { field: path, expected: 'string' }));
    return false;
  }
  // Control characters belong in no registry field (and PostgreSQL refuses U+0000 outright).
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    issues.push(issue('PATTERN', path, { field: path }));
    return false;
  }
  if (value.trim() === '') {
    if (required) issues.push(issue('REQUIRED', path, { field: path }));
    return false;
  }
  const length = [...value].length;
  if (length > max) {
    issues.push(issue('TOO_LONG', path, { field: path, max, actual: length }));
    return false;
  }
  return true;
}

export function validateUscc(value: unknown, issues: Issue[], path = '/uscc'): void {
  if (!text(issues, path, value, 18, true)) return;
  const v = checkUscc(value);
  if (v.ok) return;
  if (v.reason === 'format') issues.push(issue('USCC_FORMAT', path, { value }));
  else issues.push(issue('USCC_CHECK_CHAR', path, { expected: v.expected, actual: v.actual }));
}

function validateFields(input: EnterprisePatch, zone: ZoneProfile, issues: Issue[], creating: boolean): void {
  if (text(issues, '/customsCode', input.customsCode, 10, false) && !CUSTOMS_CODE.test(input.customsCode)) {
    issues.push(issue('CUSTOMS_CODE_FORMAT', '/customsCode', { value: input.customsCode }));
  }
  if (text(issues, '/dxpId', input.dxpId, 30, false) && !DXP_ID.test(input.dxpId)) {
    issues.push(issue('DXP_ID_FORMAT', '/dxpId', { value: input.dxpId }));
  }
  text(issues, '/nameZh', input.nameZh, LIMITS.nameZh, creating || input.nameZh !== undefined);
  text(issues, '/nameEn', input.nameEn, LIMITS.nameEn, false);
  text(issues, '/address', input.address, LIMITS.address, false);

  if (creating || input.roles !== undefined) {
    if (!Array.isArray(input.roles)) {
      issues.push(issue(input.roles === undefined ? 'REQUIRED' : 'TYPE', '/roles', { field: '/roles', expected: 'array' }));
    } else if (input.roles.length === 0) {
      issues.push(issue('ROLES_EMPTY', '/roles'));
    } else {
      input.roles.forEach((r, i) => {
        if (!ROLE_CODES.includes(r as never)) issues.push(issue('ROLE_UNKNOWN', `/roles/${i}`, { value: String(r) }));
      });
    }
  }
  const zoneName = zone.name.zh;
  if (given(input.county) && !zone.divisions.some((d) => d.code === input.county)) {
    issues.push(issue('COUNTY_UNKNOWN', '/county', { zone: zoneName, value: String(input.county) }));
  }
  if (given(input.park) && !zone.parks.some((p) => p.code === input.park)) {
    issues.push(issue('PARK_UNKNOWN', '/park', { zone: zoneName, value: String(input.park) }));
  }
  if (given(input.cluster) && !zone.clusters.some((c) => c.code === input.cluster)) {
    issues.push(issue('CLUSTER_UNKNOWN', '/cluster', { zone: zoneName, value: String(input.cluster) }));
  }
  if (input.creditLevel !== undefined && !creditLevel(String(input.creditLevel))) {
    issues.push(issue('CREDIT_LEVEL_UNKNOWN', '/creditLevel', { value: String(input.creditLevel) }));
  }
  if (input.status !== undefined && !STATUS_CODES.includes(input.status as never)) {
    issues.push(issue('STATUS_UNKNOWN', '/status', { value: String(input.status) }));
  }
  if (input.contacts !== undefined) {
    if (!Array.isArray(input.contacts)) {
      issues.push(issue('TYPE', '/contacts', { field: '/contacts', expected: 'array' }));
    } else {
      if (input.contacts.length > LIMITS.contacts) {
        issues.push(issue('TOO_LONG', '/contacts', { field: '/contacts', max: LIMITS.contacts, actual: input.contacts.length }));
      }
      input.contacts.forEach((c, i) => {
        const p = `/contacts/${i}`;
        text(issues, `${p}/name`, c?.name, LIMITS.contactName, true);
        text(issues, `${p}/phone`, c?.phone, LIMITS.contactPhone, false);
        text(issues, `${p}/title`, c?.title, LIMITS.contactTitle, false);
        if (text(issues, `${p}/email`, c?.email, LIMITS.contactEmail, false) && !EMAIL.test(c.email!)) {
          issues.push(issue('PATTERN', `${p}/email`, { field: `${p}/email` }));
        }
      });
    }
  }
}

export function validateEnterpriseInput(input: EnterpriseInput, zone: ZoneProfile): Issue[] {
  const issues: Issue[] = [];
  validateUscc(input.uscc, issues);
  validateFields(input, zone, issues, true);
  return issues;
}

export function validateEnterprisePatch(patch: EnterprisePatch, zone: ZoneProfile): Issue[] {
  const issues: Issue[] = [];
  if ('uscc' in patch) issues.push(issue('USCC_IMMUTABLE', '/uscc'));
  validateFields(patch, zone, issues, false);
  return issues;
}
