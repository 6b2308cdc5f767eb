// Registry use cases. Validation first (every problem at once), then one transaction; a 4xx
// outcome never leaves a partial write behind.
import type { Store } from '../db/store.js';
import { uniqueViolation } from '../db/store.js';
import { AppError, conflict, invalid, issue, notFound, type Issue } from '../kernel/errors.js';
import { newId, newSeqId } from '../kernel/ids.js';
import type { ZoneProfile } from '../zone/index.js';
import type { Contact, Enterprise, EnterpriseInput, EnterprisePatch, EnterpriseQuery, Page } from './model.js';
import * as repo from './repository.js';
import type { EnterpriseTable } from './table.js';
import { DEFAULT_CREDIT_LEVEL, creditLevel, type Role, type Status } from './rules/catalogue.js';
import { validateEnterpriseInput, validateEnterprisePatch } from './rules/validate.js';
import { hashToken, newToken } from './tokens.js';

export type Principal =
  | { readonly kind: 'admin'; readonly tokenId: string }
  | { readonly kind: 'enterprise'; readonly tokenId: string; readonly enterpriseId: string };

export interface IssuedToken {
  id: string;
  token: string;
  label: string;
  createdAt: string;
}

export interface TokenInfo {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface RegistryDeps {
  readonly store: Store;
  readonly zone: ZoneProfile;
  readonly now?: () => Date;
}

const DUPLICATE_CODE = { uscc: 'DUPLICATE_USCC', customs_code: 'DUPLICATE_CUSTOMS_CODE', dxp_id: 'DUPLICATE_DXP_ID' } as const;
const FIELD_PATH = { uscc: '/uscc', customs_code: '/customsCode', dxp_id: '/dxpId' } as const;

export function toEnterprise(row: repo.EnterpriseRow, roles: readonly string[]): Enterprise {
  return {
    id: row.id,
    uscc: row.uscc,
    customsCode: row.customs_code,
    dxpId: row.dxp_id,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    roles: [...roles] as Role[],
    county: row.county,
    park: row.park,
    cluster: row.cluster,
    creditLevel: row.credit_level,
    creditLevelGiven: row.credit_level_given,
    status: row.status as Status,
    address: row.address,
    contacts: JSON.parse(row.contacts) as Contact[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

type DuplicateIssue = Issue & { readonly value: string; readonly duplicate: (typeof DUPLICATE_CODE)[keyof typeof DUPLICATE_CODE] };

function duplicateError(dups: readonly DuplicateIssue[]): AppError {
  const first = dups[0]!;
  return conflict(first.duplicate, { value: first.value }, dups.map(({ code, path, message }) => ({ code, path, message })));
}

const orNull = <T>(v: T | null | undefined): T | null => (v === undefined || v === '' ? null : v);
const uniqueRoles = (roles: readonly string[]): string[] => [...new Set(roles)].sort();

function rowFor(input: EnterpriseInput, id: string, at: string): EnterpriseTable {
  const given = input.creditLevel ?? DEFAULT_CREDIT_LEVEL;
  return {
    id,
    uscc: input.uscc,
    customs_code: orNull(input.customsCode),
    dxp_id: orNull(input.dxpId),
    name_zh: input.nameZh.trim(),
    name_en: orNull(input.nameEn?.trim()),
    county: orNull(input.county),
    park: orNull(input.park),
    cluster: orNull(input.cluster),
    credit_level: creditLevel(given)!.mapsTo,
    credit_level_given: given,
    status: input.status ?? 'active',
    address: orNull(input.address),
    contacts: JSON.stringify(input.contacts ?? []),
    created_at: at,
    updated_at: at,
    version: 1,
  };
}

export function createRegistryService({ store, zone, now = () => new Date() }: RegistryDeps) {
  const { db } = store;
  const iso = () => now().toISOString();

  async function duplicateIssues(
    codes: { uscc?: string | null; customsCode?: string | null; dxpId?: string | null }, selfId?: string,
  ): Promise<DuplicateIssue[]> {
    const holders = (await repo.findCodeHolders(db, codes)).filter((h) => h.id !== selfId);
    const issues: DuplicateIssue[] = [];
    const check = (column: 'uscc' | 'customs_code' | 'dxp_id', value: string | null | undefined) => {
      if (value && holders.some((h) => h.uscc === value || h.customs_code === value || h.dxp_id === value)) {
        issues.push({ ...issue(DUPLICATE_CODE[column], FIELD_PATH[column], { value }), value, duplicate: DUPLICATE_CODE[column] });
      }
    };
    check('uscc', codes.uscc);
    check('customs_code', codes.customsCode);
    check('dxp_id', codes.dxpId);
    return issues;
  }

  /** A unique index caught what the pre-check missed (a concurrent writer): same answer as the pre-check. */
  function rethrowUnique(err: unknown, values: Record<string, string | null | undefined>): never {
    const column = uniqueViolation(err) as keyof typeof DUPLICATE_CODE | undefined;
    if (column && column in DUPLICATE_CODE) {
      const value = values[column] ?? '';
      throw conflict(DUPLICATE_CODE[column], { value }, [issue(DUPLICATE_CODE[column], FIELD_PATH[column], { value })]);
    }
    throw err;
  }

  async function load(ref: string): Promise<Enterprise> {
    const row = await repo.findEnterprise(db, ref);
    if (!row) throw notFound('ENTERPRISE_NOT_FOUND', ref);
    const roles = await repo.rolesOf(db, [row.id]);
    return toEnterprise(row, roles.get(row.id) ?? []);
  }

  return {
    async create(input: EnterpriseInput, actor: string): Promise<Enterprise> {
      const issues = validateEnterpriseInput(input, zone);
      if (issues.length) throw invalid(issues);
      const dups = await duplicateIssues(input);
      if (dups.length) throw duplicateError(dups);
      const row = rowFor(input, newId(), iso());
      const roles = uniqueRoles(input.roles);
      try {
        await db.transaction().execute(async (trx) => {
          await repo.insertEnterprise(trx, row, roles);
          await repo.insertAudit(trx, {
            id: newSeqId(), at: row.created_at, actor, entity: 'enterprise', entity_id: row.id, action: 'create',
            detail: JSON.stringify({ ...input, roles }),
          });
        });
      } catch (err) {
        rethrowUnique(err, { uscc: row.uscc, customs_code: row.customs_code, dxp_id: row.dxp_id });
      }
      return toEnterprise(row, roles);
    },

    /**
     * Registers many enterprises at once through the bulk path: all are checked first (issue paths
     * are prefixed with the record's index), then written in one transaction or not at all.
     */
    async importMany(inputs: readonly EnterpriseInput[], actor: string): Promise<number> {
      const issues: Issue[] = [];
      const duplicates: Issue[] = [];
      let firstDuplicate = '';
      // Every code of the batch, whatever its column, is unique across the batch and the registry.
      const seen = new Map<string, { index: number; column: 'uscc' | 'customs_code' | 'dxp_id' }>();
      inputs.forEach((input, i) => {
        for (const it of validateEnterpriseInput(input, zone)) issues.push({ ...it, path: `/${i}${it.path}` });
        for (const [column, value] of [['uscc', input.uscc], ['customs_code', input.customsCode], ['dxp_id', input.dxpId]] as const) {
          if (!value) continue;
          const prior = seen.get(value);
          if (prior && prior.index !== i) {
            duplicates.push(issue(DUPLICATE_CODE[column], `/${i}${FIELD_PATH[column]}`, { value }));
            firstDuplicate ||= value;
          }
          else if (!prior) seen.set(value, { index: i, column });
        }
      });
      for (const value of await repo.existingCodes(db, [...seen.keys()])) {
        const { index, column } = seen.get(value)!;
        duplicates.push(issue(DUPLICATE_CODE[column], `/${index}${FIELD_PATH[column]}`, { value }));
        firstDuplicate ||= value;
      }
      if (issues.length) throw invalid([...issues, ...duplicates]);
      // Only duplicates: the request was fine, the registry disagrees — a conflict, as for one enterprise.
      if (duplicates.length) throw conflict(duplicates[0]!.code as 'DUPLICATE_USCC', { value: firstDuplicate }, duplicates);
      const at = iso();
      const rows = inputs.map((input) => rowFor(input, newId(), at));
      const audit = { id: newSeqId(), at, actor, entity: 'enterprise', entity_id: '*', action: 'import', detail: JSON.stringify({ count: rows.length }) };
      try {
        // The audit event is a batch of the same transaction: rows and record commit together.
        await repo.bulkInsertEnterprises(store.bulk, rows, inputs.map((input) => uniqueRoles(input.roles)), audit);
      } catch (err) {
        if (!uniqueViolation(err)) throw err;
        // A concurrent writer took a code after the pre-check: name the rows, as the pre-check would.
        const taken = await repo.existingCodes(db, [...seen.keys()]);
        const lost = [...taken].map((value) => {
          const { index, column } = seen.get(value)!;
          return issue(DUPLICATE_CODE[column], `/${index}${FIELD_PATH[column]}`, { value });
        });
        throw conflict(lost[0]?.code as 'DUPLICATE_USCC' ?? 'DUPLICATE_USCC', { value: [...taken][0] ?? '' }, lost);
      }
      return rows.length;
    },

    async update(ref: string, patch: EnterprisePatch, actor: string, expectedVersion?: number): Promise<Enterprise> {
      const issues = validateEnterprisePatch(patch, zone);
      if (issues.length) throw invalid(issues);
      const current = await load(ref);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw conflict('VERSION_CONFLICT', { current: current.version, given: expectedVersion });
      }
      const dups = await duplicateIssues({ customsCode: patch.customsCode, dxpId: patch.dxpId }, current.id);
      if (dups.length) throw duplicateError(dups);
      const changes: Partial<EnterpriseTable> = { updated_at: iso(), version: current.version + 1 };
      if (patch.customsCode !== undefined) changes.customs_code = orNull(patch.customsCode);
      if (patch.dxpId !== undefined) changes.dxp_id = orNull(patch.dxpId);
      if (patch.nameZh !== undefined && patch.nameZh !== null) changes.name_zh = patch.nameZh.trim();
      if (patch.nameEn !== undefined) changes.name_en = orNull(patch.nameEn?.trim());
      if (patch.county !== undefined) changes.county = orNull(patch.county);
      if (patch.park !== undefined) changes.park = orNull(patch.park);
      if (patch.cluster !== undefined) changes.cluster = orNull(patch.cluster);
      if (patch.address !== undefined) changes.address = orNull(patch.address);
      if (patch.status !== undefined) changes.status = patch.status;
      if (patch.contacts !== undefined) changes.contacts = JSON.stringify(patch.contacts);
      if (patch.creditLevel !== undefined) {
        changes.credit_level = creditLevel(patch.creditLevel)!.mapsTo;
        changes.credit_level_given = patch.creditLevel;
      }
      const roles = patch.roles ? uniqueRoles(patch.roles) : undefined;
      let updated = false;
      try {
        await db.transaction().execute(async (trx) => {
          updated = await repo.updateEnterprise(trx, current.id, current.version, changes, roles);
          if (!updated) return;
          await repo.insertAudit(trx, {
            id: newSeqId(), at: changes.updated_at!, actor, entity: 'enterprise', entity_id: current.id, action: 'update',
            detail: JSON.stringify(patch),
          });
        });
      } catch (err) {
        rethrowUnique(err, { customs_code: changes.customs_code, dxp_id: changes.dxp_id });
      }
      if (!updated) {
        const now = await load(current.id);
        throw conflict('VERSION_CONFLICT', { current: now.version, given: current.version });
      }
      return load(current.id);
    },

    get: load,

    async list(query: EnterpriseQuery): Promise<Page<Enterprise>> {
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
      const offset = Math.max(query.offset ?? 0, 0);
      const { rows, total } = await repo.listEnterprises(db, { ...query, limit, offset });
      const roles = await repo.rolesOf(db, rows.map((r) => r.id));
      return { items: rows.map((r) => toEnterprise(r, roles.get(r.id) ?? [])), total, limit, offset };
    },

    /** Registry at a glance: totals by county, park, cluster, role, status and credit level. */
    async summary() {
      const dims = ['county', 'park', 'cluster', 'role', 'status', 'credit_level'] as const;
      const counts = await Promise.all(dims.map((d) => repo.countBy(db, d)));
      const total = counts[4]!.reduce((n, c) => n + c.n, 0);
      return {
        total,
        byCounty: counts[0]!, byPark: counts[1]!, byCluster: counts[2]!, byRole: counts[3]!, byStatus: counts[4]!, byCreditLevel: counts[5]!,
      };
    },

    async history(ref: string) {
      const e = await load(ref);
      const events = await repo.auditTrail(db, 'enterprise', e.id);
      return events.map((ev) => ({ at: ev.at, actor: ev.actor, action: ev.action, detail: JSON.parse(ev.detail) as unknown }));
    },

    async issueToken(ref: string, label: string, actor: string): Promise<IssuedToken> {
      const e = await load(ref);
      const token = newToken();
      const row = {
        id: newId(), enterprise_id: e.id, scope: 'enterprise', token_hash: hashToken(token), label: label || 'api',
        created_at: iso(), last_used_at: null, revoked_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await repo.insertToken(trx, row);
        await repo.insertAudit(trx, {
          id: newSeqId(), at: row.created_at, actor, entity: 'enterprise', entity_id: e.id, action: 'token.issue',
          detail: JSON.stringify({ tokenId: row.id, label: row.label }),
        });
      });
      return { id: row.id, token, label: row.label, createdAt: row.created_at };
    },

    async listTokens(ref: string): Promise<TokenInfo[]> {
      const e = await load(ref);
      return (await repo.listTokens(db, e.id)).map((t) => ({
        id: t.id, label: t.label, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at,
      }));
    },

    async revokeToken(ref: string, tokenId: string, actor: string): Promise<void> {
      const e = await load(ref);
      const at = iso();
      const done = await db.transaction().execute(async (trx) => {
        const ok = await repo.revokeToken(trx, e.id, tokenId, at);
        if (ok) {
          await repo.insertAudit(trx, {
            id: newSeqId(), at, actor, entity: 'enterprise', entity_id: e.id, action: 'token.revoke', detail: JSON.stringify({ tokenId }),
          });
        }
        return ok;
      });
      if (!done) throw notFound('TOKEN_NOT_FOUND', tokenId);
    },

    /** Who holds `token`, or undefined for an unknown or revoked token. */
    /** Who holds `token`: undefined for an unknown or revoked token, or one of an enterprise that is not active. */
    async authenticate(token: string): Promise<Principal | undefined> {
      const row = await repo.findTokenByHash(db, hashToken(token));
      if (!row || row.revoked_at) return undefined;
      // Recording every use would turn each read into a write; once a minute is enough to show a token is alive.
      const at = now();
      if (!row.last_used_at || at.getTime() - Date.parse(row.last_used_at) > 60_000) await repo.touchToken(db, row.id, at.toISOString());
      if (row.scope === 'admin') return { kind: 'admin', tokenId: row.id };
      if (!row.enterprise_id) return undefined;
      const e = await repo.findEnterprise(db, row.enterprise_id);
      if (!e || e.status !== 'active') return undefined;
      return { kind: 'enterprise', tokenId: row.id, enterpriseId: row.enterprise_id };
    },

    /**
     * Makes sure an operator token exists. With `given` (SILKGATE_ADMIN_TOKEN) that token is
     * registered; otherwise, when no operator token exists yet, a new one is made and returned once.
     */
    async ensureAdminToken(given?: string): Promise<string | undefined> {
      if (given) {
        // The configured token is the one operator token: every other is revoked, and the configured
        // one is (re)activated, so rotating SILKGATE_ADMIN_TOKEN retires the old one.
        const hash = hashToken(given);
        await db.transaction().execute(async (trx) => {
          const at = iso();
          const held = await repo.findTokenByHash(trx, hash);
          await repo.revokeAdminTokens(trx, at, held?.id);
          if (!held) {
            await repo.insertToken(trx, {
              id: newId(), enterprise_id: null, scope: 'admin', token_hash: hash, label: 'SILKGATE_ADMIN_TOKEN',
              created_at: at, last_used_at: null, revoked_at: null,
            });
          } else if (held.scope !== 'admin') {
            throw new AppError('invalid', 'CONFIG_INVALID', { detail: 'SILKGATE_ADMIN_TOKEN is an enterprise token' });
          } else if (held.revoked_at) await repo.reactivateToken(trx, held.id);
        });
        return undefined;
      }
      if (await repo.hasActiveAdminToken(db)) return undefined;
      return this.resetAdminToken('generated at first start');
    },

    /** Revokes every operator token and issues a new one, returned once. */
    async resetAdminToken(label = 'reset'): Promise<string> {
      const token = newToken();
      await db.transaction().execute(async (trx) => {
        const at = iso();
        await repo.revokeAdminTokens(trx, at);
        await repo.insertToken(trx, {
          id: newId(), enterprise_id: null, scope: 'admin', token_hash: hashToken(token), label,
          created_at: at, last_used_at: null, revoked_at: null,
        });
      });
      return token;
    },
  };
}

export type RegistryService = ReturnType<typeof createRegistryService>;

/** Raised by callers that need an enterprise principal to act only on itself. */
export const forbidden = (): AppError => new AppError('forbidden', 'FORBIDDEN');
