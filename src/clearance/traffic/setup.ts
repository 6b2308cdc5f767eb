// Everything simulated traffic needs from the platform before the first request: the parties (the
// zone's demo enterprises, or any active enterprises with the roles), one API token per filing
// enterprise, and the catalogue's item records (商品备案) for every importing e-commerce enterprise,
// so the platform can build inventory lists for the parcels it matches.
import type { Platform } from '../../platform.js';
import type { Enterprise } from '../../registry/model.js';
import { AppError } from '../../kernel/errors.js';
import { demoEnterprises } from '../../zone/demo.js';
import { partiesFromEnterprises, type Parties } from './generator.js';
import { importItemRecords } from './items.js';
import { provisionDemoKeys } from '../../signing/demo.js';

export interface PreparedTraffic {
  readonly parties: Parties;
  /** Bearer token per filing enterprise's code (customs code, else USCC) — what driveTraffic takes. */
  readonly tokens: Record<string, string>;
  /** The enterprises behind the parties. */
  readonly enterprises: readonly Enterprise[];
}

export interface PrepareOptions {
  /** Label of the tokens issued (default 'simulate'). Earlier tokens of the same label on these enterprises are revoked. */
  readonly label?: string;
  /**
   * Only the zone's demo enterprises (the server's own demo traffic never speaks for a real
   * enterprise). Otherwise the demo enterprises when they are all there, else any active
   * enterprises holding the roles.
   */
  readonly demoOnly?: boolean;
  /** Audit actor of the token issues (default `traffic:<label>`). */
  readonly actor?: string;
}

/** How many enterprises per role at most, when they come from the registry at large. */
const PER_ROLE = 20;

/** The roles a run cannot do without; the import e-commerce enterprise is named for what makes it one. */
function missingRoles(parties: Parties): string[] {
  const missing: string[] = [];
  if (!parties.ebp.length) missing.push('ebp');
  if (!parties.ebc.some((p) => p.trades !== 'export')) missing.push('ebc (import: agent or bonded park)');
  if (!parties.payment.length) missing.push('payment');
  if (!parties.logistics.length) missing.push('logistics');
  return missing;
}

const codeOf = (e: Enterprise): string => e.customsCode || e.uscc;

export async function prepareDemoTraffic(
  platform: Pick<Platform, 'registry' | 'pipeline' | 'zone' | 'keystore'>, options: PrepareOptions = {},
): Promise<PreparedTraffic> {
  const label = options.label ?? 'simulate';
  const actor = options.actor ?? `traffic:${label}`;
  const { registry } = platform;

  // The zone's demo enterprises, found by their USCCs (names can be edited, codes cannot).
  const demo: Enterprise[] = [];
  for (const input of demoEnterprises(platform.zone)) {
    try {
      const e = await registry.get(input.uscc);
      if (e.status === 'active') demo.push(e);
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'not_found') throw err;
    }
  }
  let enterprises = demo;
  let missing = missingRoles(partiesFromEnterprises(demo));
  if (missing.length && !options.demoOnly) {
    const byId = new Map<string, Enterprise>();
    // 'agent' too: an importing e-commerce enterprise may sit beyond the first page of 'ebc'.
    for (const role of ['ebp', 'ebc', 'agent', 'payment', 'logistics', 'declarant']) {
      for (const e of (await registry.list({ role, status: 'active', limit: PER_ROLE })).items) byId.set(e.id, e);
    }
    enterprises = [...byId.values()];
    missing = missingRoles(partiesFromEnterprises(enterprises));
  }
  if (missing.length) throw new AppError('invalid', 'TRAFFIC_NO_ENTERPRISES', { roles: missing.join(', ') });

  // Only the enterprises the generator will use: filers and e-commerce enterprises. Declarants
  // file the lists (621 / 603), so they get a token too.
  const used = enterprises.filter((e) => e.roles.some((r) => r === 'ebp' || r === 'ebc' || r === 'payment' || r === 'logistics' || r === 'declarant'));
  const parties = partiesFromEnterprises(used);
  const filers = new Set([...parties.ebp, ...parties.payment, ...parties.logistics, ...(parties.declarant ?? [])].map((p) => p.code));
  const importers = new Set(parties.ebc.filter((p) => p.trades !== 'export').map((p) => p.code));

  const tokens: Record<string, string> = {};
  for (const e of used) {
    const code = codeOf(e);
    if (!filers.has(code) || tokens[code]) continue;
    // A run's tokens are thrown away with it: the earlier ones of the same label go, so they do not pile up.
    for (const t of await registry.listTokens(e.id)) {
      if (t.label === label && !t.revokedAt) await registry.revokeToken(e.id, t.id, actor);
    }
    tokens[code] = (await registry.issueToken(e.id, label, actor)).token;
  }
  const records = importItemRecords();
  for (const e of used) {
    if (importers.has(codeOf(e))) await platform.pipeline.putItemRecords(e, records);
  }
  // Declarations leave signed: the demo enterprises get platform-made keys when they have none
  // (real enterprises register their own certificates; none is made for them here).
  const demoIds = new Set(demo.map((e) => e.id));
  await provisionDemoKeys(platform.keystore, used.filter((e) => demoIds.has(e.id)), actor);
  return { parties, tokens, enterprises: used };
}
