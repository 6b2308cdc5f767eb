// The RabbitMQ customs gateway against a real broker (SILKGATE_TEST_AMQP_URL, default the local
// guest account); an unreachable broker fails the suite, it never skips. `npm run test:services`. Every run uses its own
// exchanges and queues (random suffix) and deletes them afterwards.
import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readMessage, writeMessage, type Model } from '../../src/ceb/codec.js';
import { CUSTOMS_RECEIVER, unwrap } from '../../src/ceb/dxp.js';
import { createAmqpGateway, publishReceipt, type AmqpGatewayOptions, type GatewayLogger } from '../../src/clearance/gateway/amqp.js';
import type { CustomsGateway, InboundReceipt, ReceiptSink } from '../../src/clearance/gateway/port.js';
import { AppError } from '../../src/kernel/errors.js';
import { newGuid } from '../../src/kernel/ids.js';
import { inventoryReturnXml, inventoryXml } from '../support/ceb-models.js';

const url = process.env.SILKGATE_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SENDER = 'DXPENT0000330782';

/** A valid message of the type, built by our own code (test/support/ceb-models.ts). */
function sample(name: 'CEB621Message.xml' | 'CEB622Message.xml'): string {
  return name === 'CEB621Message.xml' ? inventoryXml() : inventoryReturnXml();
}

function validModel(xml: string, type: string): Model {
  const read = readMessage(xml);
  expect(read.errors).toEqual([]);
  expect(read.messageType).toBe(type);
  return read.message!;
}

/** Polls until `probe` yields a value; a bounded wait instead of a sleep. */
async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Logged {
  readonly level: 'warn' | 'error';
  readonly msg: string;
  readonly obj: Record<string, unknown>;
}

function recordingLogger(into: Logged[]): GatewayLogger {
  return {
    warn: (obj, msg) => into.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }),
    error: (obj, msg) => into.push({ level: 'error', msg, obj: obj as Record<string, unknown> }),
  };
}

describe('RabbitMQ customs gateway', () => {
  const run = `silkgate-test-${randomBytes(4).toString('hex')}`;
  const exchanges = new Set<string>();
  const queues = new Set<string>();
  const open: CustomsGateway[] = [];
  let admin: ChannelModel | undefined;
  let ch: Channel;

  beforeAll(async () => {
    // Not caught: with the variable set, a broker that cannot be reached fails every test.
    admin = await connect(url!, { timeout: 5_000 });
    admin.on('error', () => undefined);
    ch = await admin.createChannel();
    // A test's failed RPC (e.g. a queue missing) closes this channel; the test reports that error itself.
    ch.on('error', () => undefined);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((g) => g.close()));
  });

  afterAll(async () => {
    if (!admin) return;
    // One channel per deletion: a failed one (the broker closes the channel) must not stop the rest.
    const failed: string[] = [];
    const drop = async (what: string, op: (c: Channel) => Promise<unknown>) => {
      const c = await admin!.createChannel();
      c.on('error', () => undefined);
      await op(c).catch((err: unknown) => failed.push(`${what}: ${String(err)}`));
      await c.close().catch(() => undefined);
    };
    for (const q of queues) await drop(q, (c) => c.deleteQueue(q));
    for (const e of exchanges) await drop(e, (c) => c.deleteExchange(e));
    await admin.close();
    expect(failed).toEqual([]);
  });

  /** Unique names for one test; all of them are deleted after the run. */
  function names(label: string) {
    const exchange = `${run}.${label}.out`;
    const receiptQueue = `${run}.${label}.receipts`;
    exchanges.add(exchange);
    for (const q of [receiptQueue, `${receiptQueue}.dead`]) queues.add(q);
    return { exchange, receiptQueue, deadQueue: `${receiptQueue}.dead` };
  }

  function gateway(options: Omit<AmqpGatewayOptions, 'url' | 'logger'>, logged: Logged[] = []): CustomsGateway {
    const g = createAmqpGateway({ url: url!, logger: recordingLogger(logged), ...options });
    open.push(g);
    return g;
  }

  /** A queue bound to the outbound exchange, standing in for the customs side. */
  async function customsQueue(exchange: string, routingKey: string): Promise<string> {
    const q = `${exchange}.${routingKey}.customs`;
    queues.add(q);
    await ch.assertExchange(exchange, 'direct', { durable: true });
    await ch.assertQueue(q, { durable: true });
    await ch.bindQueue(q, exchange, routingKey);
    return q;
  }

  const getOne = (q: string): Promise<GetMessage> => waitFor(`a message on ${q}`, () => ch.get(q, { noAck: true }));
  const readyCount = async (q: string): Promise<number> => (await ch.checkQueue(q)).messageCount;

  /** The official CEB622 sample with a root guid of its own, so a test can tell its receipt apart. */
  function receipt622(): { xml: string; guid: string; model: Model } {
    const guid = newGuid();
    const model = { ...validModel(sample('CEB622Message.xml'), 'CEB622Message'), guid };
    const xml = writeMessage('CEB622Message', model);
    return { xml, guid, model: validModel(xml, 'CEB622Message') };
  }

  describe('send', () => {
    it('publishes a CEB621 as a persistent DxpMsg to customs import, confirmed by the broker', async () => {
      const model = validModel(sample('CEB621Message.xml'), 'CEB621Message');
      const { exchange } = names('send');
      const q = await customsQueue(exchange, 'import');
      await gateway({ exchange }).send([{ messageType: 'CEB621Message', direction: 'import', model, senderId: SENDER }]);

      // send() resolved, so the broker already holds the message: no waiting needed.
      const got = await ch.get(q, { noAck: true });
      if (!got) throw new Error('the confirmed message is not in the bound queue');
      expect(got.fields.routingKey).toBe('import');
      expect(got.properties).toMatchObject({ deliveryMode: 2, contentType: 'application/xml', messageId: model.guid });

      const env = unwrap(got.content);
      expect(env.envelope).toBe('DxpMsg');
      expect(env.errors).toEqual([]);
      expect(env.dxp?.TransInfo).toMatchObject({ SenderId: SENDER, ReceiverIds: [CUSTOMS_RECEIVER.import], CopMsgId: model.guid, MsgType: 'CEB621Message' });

      const inner = readMessage(Buffer.from(env.dxp!.Data, 'base64'));
      expect(inner.errors).toEqual([]);
      expect(inner.messageType).toBe('CEB621Message');
      const head = (m: Model) => (m.Inventory as { InventoryHead: Record<string, unknown> }[])[0]!.InventoryHead;
      expect(head(inner.message!)).toMatchObject({ orderNo: head(model).orderNo, ebpCode: head(model).ebpCode, logisticsNo: head(model).logisticsNo });
      expect(inner.message).toEqual(model);
      expect(await readyCount(q)).toBe(0);
    });

    it('rejects a batch the exchange cannot route, instead of reporting dropped messages as accepted', async () => {
      const model = validModel(sample('CEB621Message.xml'), 'CEB621Message');
      const { exchange } = names('unroutable');
      await customsQueue(exchange, 'import');
      const send = gateway({ exchange }).send([{ messageType: 'CEB621Message', direction: 'import', model, senderId: SENDER }]);
      await expect(send).resolves.toBeUndefined();
      const lost = gateway({ exchange, routingKey: () => 'nobody-listens' }).send([{ messageType: 'CEB621Message', direction: 'import', model, senderId: SENDER }]);
      await expect(lost).rejects.toMatchObject({ code: 'GATEWAY_AMQP_UNROUTABLE', kind: 'unavailable' });
    });

    it('rejects with a clear error, and no password, when the broker cannot be reached', async () => {
      const model = validModel(sample('CEB621Message.xml'), 'CEB621Message');
      const g = createAmqpGateway({ url: 'amqp://guest:s3cret@127.0.0.1:1', logger: recordingLogger([]) });
      open.push(g);
      const err: unknown = await g.send([{ messageType: 'CEB621Message', direction: 'import', model, senderId: SENDER }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'GATEWAY_AMQP_UNAVAILABLE' });
      expect((err as AppError).message).toContain('127.0.0.1:1');
      expect(JSON.stringify((err as AppError).text)).not.toContain('s3cret');
    });
  });

  describe('receipts', () => {
    it('hands a CEB622 from customs (in a DxpMsg, or bare) to the sink as a model, and acks it', async () => {
      const xml = sample('CEB622Message.xml');
      const expected = validModel(xml, 'CEB622Message');
      const { exchange, receiptQueue } = names('receipts');
      const received: InboundReceipt[] = [];
      const g = gateway({ exchange, receiptQueue });
      await g.start(async (batch) => { received.push(...batch); });

      await publishReceipt(url!, receiptQueue, xml);
      await publishReceipt(url!, receiptQueue, xml, { raw: true });
      await waitFor('two receipts', () => received.length >= 2);

      expect(received).toHaveLength(2);
      for (const r of received) {
        expect(r.messageType).toBe('CEB622Message');
        expect(r.model).toEqual(expected);
        expect(r.receivedAt).toBeInstanceOf(Date);
      }
      // Unacked deliveries would return to the queue when the gateway closes.
      await g.close();
      expect(await readyCount(receiptQueue)).toBe(0);
    });

    it('dead-letters unreadable deliveries and still delivers the good one after them', async () => {
      const good = receipt622();
      const { exchange, receiptQueue, deadQueue } = names('dead');
      const received: InboundReceipt[] = [];
      const logged: Logged[] = [];
      const g = gateway({ exchange, receiptQueue }, logged);
      await g.start(async (batch) => { received.push(...batch); });

      const malformed = '<CEB622Message xmlns="http://www.chinaport.gov.cn/ceb"><InventoryReturn>';
      await publishReceipt(url!, receiptQueue, malformed, { raw: true });
      // Well-formed and valid, but a declaration, not a receipt.
      await publishReceipt(url!, receiptQueue, sample('CEB621Message.xml'));
      await publishReceipt(url!, receiptQueue, good.xml);
      await waitFor('the good receipt', () => received.length >= 1);

      expect(received.map((r) => r.model.guid)).toEqual([good.guid]);
      const dead = [await getOne(deadQueue), await getOne(deadQueue)];
      expect(dead[0]!.content.toString('utf8')).toBe(malformed);
      expect(unwrap(dead[1]!.content).business?.messageType).toBe('CEB621Message');
      const reasons = logged.filter((l) => l.msg.includes('dead-lettered')).map((l) => l.obj.reason);
      expect(reasons).toEqual(['no readable message', 'not a receipt: CEB621Message']);
    });

    it('gives a receipt the sink rejected back to the queue and delivers it again', async () => {
      const r = receipt622();
      const { exchange, receiptQueue, deadQueue } = names('retry');
      const seen: unknown[] = [];
      const accepted: InboundReceipt[] = [];
      const g = gateway({ exchange, receiptQueue });
      const sink: ReceiptSink = async (batch) => {
        seen.push(...batch.map((x) => x.model.guid));
        if (seen.length === 1) throw new Error('database unavailable');
        accepted.push(...batch);
      };
      await g.start(sink);
      await publishReceipt(url!, receiptQueue, r.xml);
      await waitFor('the receipt accepted on the second try', () => accepted.length >= 1);

      expect(seen).toEqual([r.guid, r.guid]);
      expect(accepted.map((x) => x.model)).toEqual([r.model]);
      await g.close();
      expect(await readyCount(receiptQueue)).toBe(0);
      expect(await readyCount(deadQueue)).toBe(0);
    });

    it('close() stops consuming but lets the sink call under way finish and be acked', async () => {
      const r = receipt622();
      const { exchange, receiptQueue } = names('close');
      let release!: () => void;
      const gate = new Promise<void>((done) => { release = done; });
      let entered = false;
      const g = gateway({ exchange, receiptQueue });
      await g.start(async () => {
        entered = true;
        await gate;
      });
      await publishReceipt(url!, receiptQueue, r.xml);
      await waitFor('the sink call', () => entered);

      const closing = g.close();
      await waitFor('the consumer to be cancelled', async () => (await ch.checkQueue(receiptQueue)).consumerCount === 0);
      release();
      await closing;
      // Had close() not waited for the sink, the channel would have closed first and requeued it.
      expect(await readyCount(receiptQueue)).toBe(0);
    });
  });
});
