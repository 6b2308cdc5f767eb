// Every default wired in one place: the store, the zone, the services, the customs gateway, the
// metrics. Later capabilities (signer …) add their Default… adapters here.
import type { Config } from './kernel/config.js';
import { openStore, type OpenOptions, type Store } from './db/store.js';
import { createRegistryService, type RegistryService } from './registry/index.js';
import { zoneProfiles, type ZoneProfile } from './zone/index.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { loadFxTable, type FxTable } from './kernel/fx.js';
import { loadExportControls, parseSimplifiedDigits } from './clearance/match/modes.js';
import { createB2bDeclarations, type B2bDeclarations } from './clearance/declarations.js';
import { createBonded } from './bonded/index.js';
import { createPrerefunds, type Prerefunds } from './tax/prerefund.js';
import { createSecurityMonitor, type SecurityMonitor } from './security/monitor.js';
import { createFactCache, createRisk, databaseFacts, orderCacheKey, type RiskService } from './risk/index.js';
import { applyFilerEffects, createCredit, createCreditGate, createNegativeList, riskResultsSignal, type CreditService, type NegativeList } from './credit/index.js';
import { createSummaries, customsAnswer, customsLinesOf, loadCalendar, recordClosedLists, type Summaries } from './summary/index.js';
import { createStats, lateReportCount, type Stats } from './stats/index.js';
import type { Model } from './ceb/codec.js';

/** The simulated customs' answer to CEB701s, from the closed lines the platform holds. */
export function summaryAnswer(store: Store) {
  return async (ceb701: readonly Model[], at: Date) => {
    const invtNos = ceb701.flatMap((m) => ((m.SummaryApply as Model[] | undefined) ?? []).flatMap((a) => ((a.SummaryApplyList as Model[] | undefined) ?? []).map((l) => String(l.invtNo))));
    return customsAnswer(ceb701, await customsLinesOf(store, invtNos), at);
  };
}
import { createPipeline, type Pipeline, type PipelineDeps } from './clearance/pipeline.js';
import { createClearanceQueries, type ClearanceQueries } from './clearance/query.js';
import { createCustomsSimulator, type SimulatorOptions } from './clearance/gateway/simulator.js';
import { createAmqpGateway } from './clearance/gateway/amqp.js';
import type { CustomsGateway } from './clearance/gateway/port.js';
import { createWebhookService, type WebhookService } from './clearance/webhooks/index.js';
import { createKeystore, type Keystore } from './signing/keystore.js';
import { keystoreSecret } from './signing/secret.js';
import { createOutboundSigner } from './signing/outbound.js';
import { createSignatureCheck } from './signing/intake.js';
import { createTaxCheck } from './tax/check.js';
import { createTaxBills, customsTaxBill, type TaxBills } from './tax/bills.js';
import { productsOf } from './tax/facts.js';
import { createExportRegistry, type ExportRegistry } from './tax/exports.js';
import { createPositiveListCheck, loadTaxData, type PositiveList, type RateTable } from './tax/index.js';
import { goodsStatusOf } from './tax/positive.js';

export interface Platform {
  readonly config: Config;
  readonly store: Store;
  readonly zone: ZoneProfile;
  readonly registry: RegistryService;
  readonly metrics: Metrics;
  readonly pipeline: Pipeline;
  readonly clearance: ClearanceQueries;
  readonly gateway: CustomsGateway;
  readonly webhooks: WebhookService;
  readonly keystore: Keystore;
  /** The tax rates in force (the seed table; the quote and the match check read it). */
  readonly taxRates: RateTable;
  /** Monthly exchange rates (customs currency → CNY), for the list-route limit, reports and statistics. */
  readonly fx: FxTable;
  /** The 跨境电子商务零售进口商品清单 in force (the seed: the demo catalogue's lines). */
  readonly positiveList: PositiveList;
  /** Customs' tax bills, reconciled. */
  readonly taxBills: TaxBills;
  /** Export lines registered for 无票免税 / 核定征收. */
  readonly exportRegistry: ExportRegistry;
  /** 9810 出口预退税 (HWC-YT) tracking. */
  readonly prerefunds: Prerefunds;
  /** 9710/9810 customs declarations matched against their orders or booking notes. */
  readonly b2bDeclarations: B2bDeclarations;
  /** The bonded stock ledger (1210/1239): accounts, inbound notices, stock, stock-taking. */
  readonly bonded: ReturnType<typeof createBonded>;
  /** Monthly consolidated declarations (汇总申报 / 汇总统计) of closed export lists. */
  readonly summaries: Summaries;
  /** Security monitoring and early warning on API use. */
  readonly security: SecurityMonitor;
  /** Risk control: rules, scores, results and the review queue. */
  readonly risk: RiskService;
  readonly credit: CreditService;
  readonly negativeList: NegativeList;
  /** Statistics and monitoring: rollups kept as lists are released, reports, targets. */
  readonly stats: Stats;
  close(): Promise<void>;
}

export interface PlatformOptions extends OpenOptions {
  /** Replaces the configured customs gateway (tests, bench). */
  readonly gateway?: CustomsGateway;
  readonly simulator?: SimulatorOptions;
  readonly log?: PipelineDeps['log'];
  readonly onEvents?: PipelineDeps['onEvents'];
  /** Told of each message's match-decision time (the benchmark listens here). */
  readonly observe?: PipelineDeps['observe'];
  /** False turns risk control off at intake (the benchmark's baseline). */
  readonly riskControl?: boolean;
  /** The clock of the services (tests move it to exercise retries and deadlines). */
  readonly now?: () => Date;
}

export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const store = await openStore(config.database, options);
  const zone = zoneProfiles[config.zone];
  const { rates, positiveList: goods } = loadTaxData({ rates: config.taxRatesFile, positiveList: config.positiveListFile });
  const products = (ebc: string | undefined) => productsOf(store, ebc);
  const fx = loadFxTable(config.fxRatesFile);
  // The credit negative list, read once per few seconds for intake; changes made here are seen at once.
  const creditGate = createCreditGate({ ...(options.now ? { now: options.now } : {}) });
  const negatives = createNegativeList({ store, ...(options.now ? { now: options.now } : {}) });
  const negativeList: NegativeList = {
    ...negatives,
    add: (...a) => negatives.add(...a).finally(() => creditGate.invalidate()),
    repair: (...a) => negatives.repair(...a).finally(() => creditGate.invalidate()),
    decide: (...a) => negatives.decide(...a).finally(() => creditGate.invalidate()),
  };
  // Risk control judges documents at intake; the positive list gives the goods' standing.
  // Window facts that move slowly (price samples, customs rejections) are kept a few seconds between batches.
  const riskFacts = createFactCache();
  const risk = createRisk({
    store, ...(options.now ? { now: options.now } : {}),
    facts: (db) => databaseFacts(db, { cache: riskFacts, goodsStatus: (gcode) => goodsStatusOf(goods, gcode), negativeList: () => creditGate.codes(db) }),
  });
  const security = createSecurityMonitor({ store, ...(options.log ? { log: options.log } : {}) });
  const summaries = createSummaries({ store, calendar: loadCalendar(config.workCalendarFile), ...(options.now ? { now: options.now } : {}) });
  const stats = createStats({ store, zone, fx, ...(options.now ? { now: options.now } : {}) });
  const gateway = options.gateway ?? (config.customs.kind === 'amqp'
    ? createAmqpGateway({ url: config.customs.url, ...(options.log ? { logger: options.log } : {}) })
    : createCustomsSimulator({ stepDelayMs: config.customs.stepMs, validate: true, verifySignatures: true, taxBill: customsTaxBill(() => rates, products), summaryAnswer: summaryAnswer(store), ...options.simulator }));
  const taxBills = createTaxBills({ store, rates: () => rates, products, ...(options.now ? { now: options.now } : {}) });
  const metrics = createMetrics();
  const registry = createRegistryService({ store, zone });
  // A new key lets the declarations held for it go at once (the pipeline is made below).
  let heldRelease: (() => void) | undefined;
  const keystore = createKeystore({
    store, secret: keystoreSecret(config), ...(options.now ? { now: options.now } : {}),
    onSigningKey: () => heldRelease?.(),
  });
  const webhooks = createWebhookService({ store, ...(options.now ? { now: options.now } : {}) });
  const pipeline = createPipeline({
    store, gateway,
    signer: createOutboundSigner(keystore),
    verifySignature: createSignatureCheck(keystore, options.now),
    taxCheck: createTaxCheck(() => rates),
    taxBills,
    positiveList: createPositiveListCheck(() => goods),
    ...(options.riskControl === false ? {} : {
      risk: {
        async judge(trx, docs) {
          const evaluated = await risk.evaluate(trx, docs.map((d) => ({ ...d, at: d.at.toISOString() })));
          // Import orders are kept as their payments and waybills will look them up (by id and stored version).
          const versions = new Map(docs.map((d) => [d.documentId, d.version]));
          for (const r of evaluated) {
            const v = versions.get(r.documentId);
            if (r.linked && v !== undefined && r.decision !== 'refuse') riskFacts.set(orderCacheKey(r.documentId, v), r.linked);
          }
          // The credit negative list: a filer whose entry blocks filing is refused, one under mandatory review held.
          const results = applyFilerEffects(evaluated, await creditGate.effects(trx, [...new Set(docs.map((d) => d.enterpriseId))]));
          await risk.record(trx, results);
          return new Map(results.map((r) => [r.documentId, { decision: r.decision, score: r.score, rules: r.hits.map((h) => h.code) }]));
        },
      },
    }),
    exportModes: { fx, controls: loadExportControls(config.exportControlsFile), simplifiedDigits: parseSimplifiedDigits(config.simplifiedHsDigits) },
    onExportClosed: (trx, lists) => recordClosedLists(trx, lists),
    onListsReleased: (trx, lists) => stats.onListsReleased(trx, lists),
    summaries: {
      receive: (type, model) => (type === 'CEB702Message' ? summaries.receiveSummaryReturn(model) : summaries.receiveSummaryResult(model)),
    },
    declaration: { customsCode: config.customsCode, portCode: config.portCode },
    resendAfterMs: config.resendAfterMs,
    observe: {
      decision(ms, parcels) {
        metrics.matchDecision.observe(ms / 1000);
        options.observe?.decision(ms, parcels);
      },
    },
    bondedParks: zone.parks.map((p) => p.code),
    ...(options.log ? { log: options.log } : {}),
    ...(options.now ? { now: options.now } : {}),
    wantsEvents: () => webhooks.mayDeliver(),
    // Webhook deliveries are queued in the same transaction as the change they report.
    onEvents: async (trx, events) => {
      await webhooks.enqueue(trx, events);
      await options.onEvents?.(trx, events);
    },
  });
  // A review decided in the risk queue releases or stops the document it held.
  const reviewed: RiskService = {
    ...risk,
    async act(id, action, input, actor) {
      const r = await risk.act(id, action, input, actor);
      if (action !== 'assign') await pipeline.decideHeld([r.documentId], action === 'approve', actor, r.reason ?? (action === 'approve' ? '—' : action));
      return r;
    },
  };
  heldRelease = () => { pipeline.retryHeld().catch((err) => options.log?.error({ err }, 'releasing held declarations failed')); };
  return {
    config, store, zone, gateway, pipeline, webhooks, keystore, taxRates: rates, fx, positiveList: goods, taxBills,
    exportRegistry: createExportRegistry({ store, fx, zoneCustomsCodes: [config.customsCode, config.portCode], ...(options.now ? { now: options.now } : {}) }),
    registry,
    clearance: createClearanceQueries(store),
    prerefunds: createPrerefunds({ store, ...(options.now ? { now: options.now } : {}) }),
    b2bDeclarations: createB2bDeclarations({ store, ...(options.now ? { now: options.now } : {}), onRecorded: (trx, change) => stats.onDeclaration(trx, change) }),
    bonded: createBonded({ store, registry, ...(options.now ? { now: options.now } : {}) }),
    summaries,
    stats,
    security,
    risk: reviewed,
    // Late monthly reports (issue 7's reporting) and risk hits lower an enterprise's credit.
    credit: createCredit({ store, signals: { risk: riskResultsSignal(store), reports: { lateReports: (id, since, until) => lateReportCount(store.db, id, since, until) } }, ...(options.now ? { now: options.now } : {}) }),
    negativeList,
    metrics,
    async close() {
      await pipeline.close();
      // Alerts raised just before the end are stored before the database closes.
      await security.flush();
      await store.close();
    },
  };
}
