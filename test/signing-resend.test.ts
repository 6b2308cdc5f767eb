// A document the filer signed itself is resent byte for byte when customs stays silent: the
// platform keeps the message it received (it was alone in it) instead of rebuilding it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { createCustomsSimulator } from '../src/clearance/gateway/simulator.js';
import type { SimulatorGateway } from '../src/clearance/gateway/simulator.js';
import type { OutboundMessage } from '../src/clearance/gateway/port.js';
import { parseXmlSubmission } from '../src/clearance/parse.js';
import { writeMessage } from '../src/ceb/codec.js';
import { demoEnterprises } from '../src/zone/demo.js';
import { signXmlWithKey, verifyXml } from '../src/signing/dsig.js';
import { generateKey } from '../src/signing/keys.js';
import { certificatePem, issueCertificate } from '../src/signing/x509.js';
import { parcel, type Parties } from './support/parcels.js';

let platform: Platform;
const sent: OutboundMessage[] = [];
let dropFirst = true;

beforeAll(async () => {
  const sim = createCustomsSimulator({ stepDelayMs: 0, validate: true, shares: { reject: 0, review: 0, inspect: 0, detain: 0, returned: 0 } });
  // Customs loses the first message it gets (no receipt ever comes), then answers as usual.
  const gateway: SimulatorGateway = {
    name: 'forgetful-customs', start: (s) => sim.start(s), idle: () => sim.idle(), close: () => sim.close(),
    async send(messages) {
      sent.push(...messages);
      if (dropFirst) {
        dropFirst = false;
        return;
      }
      await sim.send(messages);
    },
  };
  platform = await createPlatform(loadConfig({ db: 'sqlite::memory:' }, { SILKGATE_RESEND_AFTER_MS: '200' }), { gateway });
  await platform.registry.importMany(demoEnterprises(platform.zone), 'test');
  await platform.pipeline.start();
});
afterAll(() => platform?.close());

describe('resending what the filer signed', () => {
  it('sends the filed bytes again, signature intact', async () => {
    const all = (await platform.registry.list({ limit: 100 })).items;
    const pick = (name: string) => all.find((e) => e.nameZh.startsWith(name))!;
    const parties: Parties = { ebp: pick('义乌小商品跨境电商平台'), ebc: pick('金义综保区美妆进口'), payment: pick('浙江金义支付'), logistics: pick('义乌国际快递') };
    const card = generateKey('sm2');
    const cert = issueCertificate({ subject: { CN: parties.ebp.nameZh }, key: card });
    await platform.keystore.add(parties.ebp.id, { certificate: certificatePem(cert) }, 'test');
    const x = parcel(parties);
    const signed = signXmlWithKey(writeMessage('CEB311Message', x.order), card, cert);
    const answer = await platform.pipeline.submit(parties.ebp, parseXmlSubmission(signed));
    expect(answer.receipts[0]!.status).toBe('accepted');
    // The first send is lost; after the resend delay the order goes again.
    const deadline = Date.now() + 10_000;
    const orders = () => sent.filter((m) => m.messageType === 'CEB311Message' && m.xml?.includes(x.orderNo));
    while (orders().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(orders().length).toBeGreaterThanOrEqual(2);
    expect(orders()[1]!.xml).toBe(signed);
    expect(verifyXml(orders()[1]!.xml!).certificate?.fingerprint).toBe(cert.fingerprint);
  });
});
