// A running platform for the clearance tests: in-memory SQLite, the demo enterprises, the customs
// simulator answering at once with no 退单/查验/扣留 (every list runs 2 → … → 899), and the app.
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/kernel/config.js';
import { createPlatform, summaryAnswer, type Platform } from '../../src/platform.js';
import { buildApp } from '../../src/http/server.js';
import { demoEnterprises } from '../../src/zone/demo.js';
import { createCustomsSimulator } from '../../src/clearance/gateway/simulator.js';
import type { Enterprise } from '../../src/registry/model.js';
import { customsTaxBill } from '../../src/tax/bills.js';
import { productsOf } from '../../src/tax/facts.js';
import { provisionDemoKeys } from '../../src/signing/demo.js';

export interface ClearanceHarness {
  readonly platform: Platform;
  readonly app: FastifyInstance;
  readonly admin: string;
  /** The demo enterprise whose Chinese name starts with `name`, with an API token issued for it. */
  enterprise(name: string): Promise<Enterprise>;
  /** The token issued for an enterprise returned by `enterprise`. */
  token(e: Enterprise): string;
  close(): Promise<void>;
}

export async function startClearance(options: { now?: () => Date } = {}): Promise<ClearanceHarness> {
  // Customs taxes released lists with the platform's own tables (bound once the platform exists).
  let ref: Platform | undefined;
  const taxBill = customsTaxBill(() => ref!.taxRates, (ebc) => productsOf(ref!.store, ebc));
  const gateway = createCustomsSimulator({ stepDelayMs: 0, validate: true, verifySignatures: true, taxBill, summaryAnswer: (m, at) => summaryAnswer(ref!.store)(m, at), shares: { reject: 0, review: 0, inspect: 0, detain: 0, returned: 0 }, ...(options.now ? { now: options.now } : {}) });
  const platform = await createPlatform(loadConfig({ db: 'sqlite::memory:' }, {}), { gateway, ...(options.now ? { now: options.now } : {}) });
  ref = platform;
  const app = await buildApp(platform);
  await platform.pipeline.start();
  const admin = (await platform.registry.ensureAdminToken())!;
  await platform.registry.importMany(demoEnterprises(platform.zone), 'test');
  await provisionDemoKeys(platform.keystore, (await platform.registry.list({ limit: 100 })).items, 'test');
  const all = (await platform.registry.list({ limit: 100 })).items;
  const tokens = new Map<string, string>();
  return {
    platform, app, admin,
    async enterprise(name) {
      const e = all.find((x) => x.nameZh.startsWith(name));
      if (!e) throw new Error(`no demo enterprise named ${name}…`);
      if (!tokens.has(e.id)) tokens.set(e.id, (await platform.registry.issueToken(e.id, 'test', 'test')).token);
      return e;
    },
    token: (e) => tokens.get(e.id)!,
    async close() {
      await app.close();
      await platform.close();
    },
  };
}
