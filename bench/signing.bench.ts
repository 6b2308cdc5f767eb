// Message signing on one core: a realistic CEB621 (three lines, Chinese text, ~4 KB) signed and
// verified end to end (C14N of the message, SM3 digest, SignedInfo, SM2 signature; for verify also
// reading the certificate), against OpenSSL 3's own `openssl speed sm2` (C, no XML work) and
// against sm-crypto-v2 doing the same XML work with its SM2, all measured in this run.
import { execFileSync } from 'node:child_process';
import { sm2 as smV2 } from 'sm-crypto-v2';
import { writeMessage, type Model } from '../src/ceb/codec.js';
import { buildInventory } from '../src/clearance/inventory.js';
import type { Logistics, Order } from '../src/ceb/model/import-202205.js';
import { newGuid } from '../src/kernel/ids.js';
import { prepareSignature, signXmlWithKey, verifyXml } from '../src/signing/dsig.js';
import { generateKey } from '../src/signing/keys.js';
import { issueCertificate } from '../src/signing/x509.js';
import { median, rate as rateOf, type Figure } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCH_MS = Number(process.env.BENCH_SIGN_MS ?? 600);

const rate = (work: () => void) => rateOf(work, BATCH_MS, 10);

/** A CEB621 as the platform builds it: three lines of cosmetics and formula for one buyer. */
export function realisticInventory(): string {
  const lines = [
    ['1', 'SK-ESS-230', '精华露 230毫升', '230ml/瓶', '1', '1020', '3304990099'],
    ['2', 'IF-900', '婴幼儿配方奶粉 900克', '900g/罐', '2', '150', '1901101010'],
    ['3', 'HF-FISH-90', '深海鱼油软胶囊 90粒', '90粒/瓶', '1', '210', '2106909090'],
  ];
  const order = {
    OrderHead: {
      orderNo: 'SO202611270000123', ebpCode: '3318900001', ebpName: '义乌小商品跨境电商平台（演示）', ebcCode: '3318900011', ebcName: '金义综保区美妆进口有限公司（演示）',
      buyerIdType: '1', buyerIdNumber: '330782199001010011', buyerName: '王小明', buyerTelephone: '13800000000', consigneeAddress: '浙江省金华市义乌市稠城街道1号',
      freight: '20', discount: '0', taxTotal: '139.82', acturalPaid: '1669.82', goodsValue: '1530', currency: '142', payCode: '3318900013', payName: '浙江金义支付服务有限公司（演示）', payTransactionId: 'PAY202611270000123',
    },
    OrderList: lines.map(([gnum, itemNo, itemName, gmodel, qty, price]) => ({ gnum, itemNo, itemName, gmodel, unit: '142', qty, price, totalPrice: String(Number(qty) * Number(price)), currency: '142', country: '116' })),
  } as unknown as Order;
  const waybill = { LogisticsHead: { logisticsNo: 'YW2611270000123', logisticsCode: '3318900014', logisticsName: '义乌国际快递物流有限公司（演示）', freight: '20', insuredFee: '0', weight: '2.6', packNo: '1' } } as unknown as Logistics;
  const inventory = buildInventory({
    order, payment: {} as never, waybill,
    items: new Map(lines.map(([, itemNo, , , , , gcode]) => [itemNo!, { itemNo: itemNo!, gcode: gcode!, gname: itemNo!, unit1: '035', qty1PerUnit: '0.3', unit2: null, qty2PerUnit: null }])),
    declaration: { customsCode: '2900', portCode: '2900', tradeMode: '1210', trafMode: 'Y', agentCode: '3318900011', agentName: '金义综保区美妆进口有限公司（演示）' },
    copNo: 'SG2611270000123', at: new Date('2026-11-27T09:30:00+08:00'),
  });
  return writeMessage('CEB621Message', {
    guid: newGuid(), version: '1.0', Inventory: [inventory as unknown as Model],
    BaseTransfer: { copCode: '3318900011', copName: '金义综保区美妆进口有限公司（演示）', dxpMode: 'DXP', dxpId: 'DXPENT3318900011' },
  });
}

/** `openssl speed sm2` on one core: [sign/s, verify/s]. */
function opensslSpeed(): [number, number] {
  const out = execFileSync('openssl', ['speed', '-seconds', '2', 'sm2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = /SM2[^\n]*?([\d.]+)\s+([\d.]+)\s*$/m.exec(out);
  if (!m) throw new Error(`cannot read openssl speed output: ${out.slice(-300)}`);
  return [Number(m[1]), Number(m[2])];
}

export async function signingBench(): Promise<Figure[]> {
  const xml = realisticInventory();
  const key = generateKey('sm2');
  if (key.algorithm !== 'sm2') throw new Error('unreachable');
  const cert = issueCertificate({ subject: { CN: '金义综保区美妆进口有限公司（演示）', C: 'CN' }, key });
  const signed = signXmlWithKey(xml, key, cert);
  if (!verifyXml(signed).valid) throw new Error('bench: our own signature does not verify');
  const dHex = key.sm2.d.toString(16).padStart(64, '0');
  const pubHex = '04' + key.sm2.publicKey.x.toString(16).padStart(64, '0') + key.sm2.publicKey.y.toString(16).padStart(64, '0');
  // sm-crypto-v2 given the same XML work: our C14N and digest, its SM2 (r||s hex, ID 1234567812345678).
  const v2Sign = () => {
    const p = prepareSignature(xml, 'sm2');
    p.finish(Buffer.from(smV2.doSignature(p.signedInfo, dHex, { hash: true }), 'hex'), { der: cert.der, keyName: cert.serial });
  };
  const v2Signed = (() => {
    const p = prepareSignature(xml, 'sm2');
    return { info: p.signedInfo, sig: smV2.doSignature(p.signedInfo, dHex, { hash: true, publicKey: pubHex }) };
  })();
  // Its precomputed public-key table, as ours keeps one per certificate.
  const v2Pub = smV2.precomputePublicKey(pubHex);
  const v2Verify = () => {
    // Its verify, after the same XML work ours does (parse, C14N, digest check, certificate read).
    verifyXml(signed);
    if (!smV2.doVerifySignature(v2Signed.info, v2Signed.sig, v2Pub, { hash: true, userId: '1234567812345678' })) throw new Error('sm-crypto-v2 did not verify');
  };
  // Many filers in turn: 200 certificates, each message from the next (the per-key tables cannot all stay).
  const crowd = Array.from({ length: 200 }, (_, i) => {
    const k = generateKey('sm2');
    return signXmlWithKey(xml, k, issueCertificate({ subject: { CN: `filer ${i}` }, key: k }));
  });
  let turn = 0;
  const ours = { sign: [] as number[], verify: [] as number[], crowd: [] as number[] };
  const v2 = { sign: [] as number[], verify: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    ours.sign.push(rate(() => signXmlWithKey(xml, key, cert)));
    ours.verify.push(rate(() => { if (!verifyXml(signed).valid) throw new Error('bench: verify failed'); }));
    ours.crowd.push(rate(() => { if (!verifyXml(crowd[turn++ % crowd.length]!).valid) throw new Error('bench: verify failed'); }));
    if (i < 3) {
      v2.sign.push(rate(v2Sign));
      v2.verify.push(rate(v2Verify));
    }
  }
  const [osslSign, osslVerify] = opensslSpeed();
  const what = `CEB621 ${(Buffer.byteLength(xml) / 1024).toFixed(1)} KB incl. C14N + SM3 digest, one core, median of ${RUNS}`;
  return [
    { name: `signing.sm2_sign (${what})`, unit: 'signatures/s', value: median(ours.sign), baselineName: 'openssl speed sm2 sign (C, no XML)', baseline: osslSign, target: '≥ 1,500 signatures/s' },
    { name: 'signing.sm2_sign vs sm-crypto-v2', unit: 'signatures/s', value: median(ours.sign), baselineName: 'sm-crypto-v2 with the same XML work', baseline: median(v2.sign) },
    { name: `signing.sm2_verify (${what}, certificate read)`, unit: 'verifications/s', value: median(ours.verify), baselineName: 'openssl speed sm2 verify (C, no XML)', baseline: osslVerify, target: '≥ 1,000 verifications/s' },
    { name: 'signing.sm2_verify, 200 certificates in turn (no per-key table)', unit: 'verifications/s', value: median(ours.crowd), baselineName: 'openssl speed sm2 verify (C, no XML)', baseline: osslVerify, target: '≥ 1,000 verifications/s' },
    { name: 'signing.sm2_verify vs sm-crypto-v2', unit: 'verifications/s', value: median(ours.verify), baselineName: 'sm-crypto-v2 with the same XML work', baseline: median(v2.verify) },
  ];
}
