// The customs gateway over RabbitMQ (AMQP 0-9-1), the "amqp" transport the DXP names
// (ceb-messages.md §2). Declarations leave as DxpMsg envelopes on a durable direct exchange, routed
// by direction; customs' receipts arrive on a durable queue, are read with the codec at this edge and
// reach the pipeline in batches. Both directions are at least once: a send that fails may have been
// partly accepted, and a receipt is acked only after the sink took it, so a receipt can arrive twice
// (after a crash between the sink and the ack) and the sink must treat repeats as no-ops.
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import { readMessage, writeMessage, type CebIssue } from '../../ceb/codec.js';
import { CUSTOMS_RECEIVER, unwrap, wrap, type Unwrapped } from '../../ceb/dxp.js';
import { AppError } from '../../kernel/errors.js';
import { newGuid } from '../../kernel/ids.js';
import type { CustomsGateway, InboundReceipt, OutboundMessage, ReceiptSink } from './port.js';

/** The pino-style subset the adapter logs through. */
export interface GatewayLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AmqpGatewayOptions {
  /** amqp://user:password@host:port/vhost */
  readonly url: string;
  /** Durable direct exchange for outbound messages (default 'silkgate.customs.out'). */
  readonly exchange?: string;
  /** Routing key per message (default its direction: 'import' | 'export'). */
  readonly routingKey?: (m: OutboundMessage) => string;
  /** Durable queue customs' receipts arrive on (default 'silkgate.customs.receipts'); unreadable ones go to `<queue>.dead`. */
  readonly receiptQueue?: string;
  /** Most receipts per sink call (default 200). */
  readonly batchSize?: number;
  /** How long a partial batch waits for more receipts (default 20 ms). */
  readonly batchWaitMs?: number;
  /** Unacknowledged receipts the broker may push ahead (default 500). */
  readonly prefetch?: number;
  readonly logger?: GatewayLogger;
}

interface Settings {
  readonly url: string;
  readonly target: string;
  readonly exchange: string;
  readonly routingKey: (m: OutboundMessage) => string;
  readonly receiptQueue: string;
  readonly deadQueue: string;
  readonly batchSize: number;
  readonly batchWaitMs: number;
  readonly prefetch: number;
  readonly logger: GatewayLogger;
}

const NAME = 'amqp';
// Without it an unreachable host (dropped packets, not a refused port) waits for the OS TCP timeout.
const CONNECT_TIMEOUT_MS = 10_000;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

const consoleLogger: GatewayLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

export function createAmqpGateway(options: AmqpGatewayOptions): CustomsGateway {
  const s = settings(options);
  const publisher = new Publisher(s);
  const sending = new Set<Promise<void>>();
  let consumer: ReceiptConsumer | undefined;
  let closed: Promise<void> | undefined;

  return {
    name: NAME,
    async start(sink) {
      if (closed) throw new AppError('unavailable', 'GATEWAY_CLOSED', { name: NAME });
      if (consumer) throw new AppError('conflict', 'GATEWAY_ALREADY_STARTED', { name: NAME });
      const c = new ReceiptConsumer(s, sink);
      consumer = c;
      try {
        await c.start();
      } catch (err) {
        consumer = undefined;
        await c.stop();
        throw err;
      }
    },
    send(messages) {
      if (closed) return Promise.reject(new AppError('unavailable', 'GATEWAY_CLOSED', { name: NAME }));
      const task = publisher.send(messages);
      // close() waits for sends under way, so their confirms are not cut off by closing the channel.
      const tracked = task.then(() => undefined, () => undefined);
      sending.add(tracked);
      void tracked.finally(() => sending.delete(tracked));
      return task;
    },
    close() {
      closed ??= (async () => {
        await consumer?.stop();
        await Promise.all(sending);
        await publisher.close();
      })();
      return closed;
    },
  };
}

function settings(o: AmqpGatewayOptions): Settings {
  const receiptQueue = o.receiptQueue ?? 'silkgate.customs.receipts';
  const s: Settings = {
    url: o.url,
    target: brokerLabel(o.url),
    exchange: o.exchange ?? 'silkgate.customs.out',
    routingKey: o.routingKey ?? ((m) => m.direction),
    receiptQueue,
    deadQueue: `${receiptQueue}.dead`,
    batchSize: o.batchSize ?? 200,
    batchWaitMs: o.batchWaitMs ?? 20,
    prefetch: o.prefetch ?? 500,
    logger: o.logger ?? consoleLogger,
  };
  // prefetch 0 would mean "unlimited" to the broker, not "none".
  for (const key of ['batchSize', 'prefetch'] as const) {
    if (!Number.isInteger(s[key]) || s[key] < 1) invalidOption(key, s[key], 'a positive integer');
  }
  if (!Number.isFinite(s.batchWaitMs) || s.batchWaitMs < 0) invalidOption('batchWaitMs', s.batchWaitMs, 'zero or more');
  return s;
}

function invalidOption(key: string, value: unknown, expected: string): never {
  throw new AppError('invalid', 'CONFIG_INVALID', { detail: `AMQP gateway option ${key} must be ${expected}, got ${String(value)}` });
}

/** The broker address without credentials, for messages and logs. */
function brokerLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return '(unparsable AMQP URL)';
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const ignore = (): void => undefined;

function unavailable(s: Settings, err: unknown): AppError {
  return err instanceof AppError ? err : new AppError('unavailable', 'GATEWAY_AMQP_UNAVAILABLE', { target: s.target, detail: errorText(err) });
}

/** Opens a connection that logs its errors: an 'error' event nobody listens to would crash the process. */
async function openConnection(s: Settings, role: string): Promise<ChannelModel> {
  let conn: ChannelModel;
  try {
    conn = await connect(s.url, { timeout: CONNECT_TIMEOUT_MS, clientProperties: { connection_name: `silkgate ${role}` } });
  } catch (err) {
    throw unavailable(s, err);
  }
  conn.on('error', (err: unknown) => s.logger.error({ err, role, broker: s.target }, 'AMQP connection error'));
  return conn;
}

function watchChannel(ch: Channel, s: Settings, role: string): void {
  ch.on('error', (err: unknown) => s.logger.error({ err, role, broker: s.target }, 'AMQP channel error'));
}

// ---- publishing --------------------------------------------------------------------------------

interface Outgoing {
  readonly id: string;
  readonly routingKey: string;
  readonly body: Buffer;
}

type Outcome = 'confirmed' | 'nacked' | 'unroutable' | { readonly lost: string };

/**
 * A confirm channel that also tells "confirmed" from "confirmed but dropped": the broker confirms an
 * unroutable message too, so every publish is mandatory and the broker's basic.return, which it
 * sends before the confirm, marks the message as unroutable.
 */
class ConfirmedChannel {
  private readonly returned = new Map<string, number>();

  constructor(readonly channel: ConfirmChannel) {
    channel.on('return', (msg: ConsumeMessage) => {
      const id = String(msg.properties.messageId ?? '');
      this.returned.set(id, (this.returned.get(id) ?? 0) + 1);
    });
  }

  publish(exchange: string, out: Outgoing): Promise<Outcome> {
    return new Promise((resolve) => {
      const props: Options.Publish = { persistent: true, mandatory: true, contentType: 'application/xml', messageId: out.id, timestamp: Math.floor(Date.now() / 1000) };
      try {
        this.channel.publish(exchange, out.routingKey, out.body, props, (err: unknown) => resolve(this.outcome(out.id, err)));
      } catch (err) {
        // amqplib throws instead of calling back when the channel is already closed.
        resolve({ lost: errorText(err) });
      }
    });
  }

  private outcome(id: string, err: unknown): Outcome {
    // amqplib reports a broker nack and a channel that closed first through the same callback,
    // told apart only by the message it gives.
    if (err) return errorText(err) === 'message nacked' ? 'nacked' : { lost: errorText(err) };
    const returns = this.returned.get(id) ?? 0;
    if (returns === 0) return 'confirmed';
    if (returns === 1) this.returned.delete(id);
    else this.returned.set(id, returns - 1);
    return 'unroutable';
  }
}

interface Link {
  readonly conn: ChannelModel;
  readonly channel: ConfirmedChannel;
  blocked: string | undefined;
}

/** One lazily opened publishing connection, opened again on the next send after it is lost. */
class Publisher {
  private link: Promise<Link> | undefined;

  constructor(private readonly s: Settings) {}

  async send(messages: readonly OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // Write every envelope first: a model the codec cannot write fails the call before anything leaves.
    const outgoing = messages.map((m) => this.envelope(m));
    const link = await this.connected();
    if (link.blocked !== undefined) throw new AppError('unavailable', 'GATEWAY_AMQP_BLOCKED', { target: this.s.target, reason: link.blocked });
    const outcomes = await Promise.all(outgoing.map((out) => link.channel.publish(this.s.exchange, out)));
    this.check(outgoing, outcomes);
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    const open = await link?.catch(ignore);
    await open?.conn.close().catch(ignore);
  }

  private envelope(m: OutboundMessage): Outgoing {
    const guid = typeof m.model.guid === 'string' && m.model.guid ? m.model.guid : newGuid();
    const xml = m.xml ?? writeMessage(m.messageType, m.model);
    // wrap() names MsgType after the business root (CEB621Message), as the DXP samples and our
    // own unwrap() check expect.
    const dxp = wrap(xml, { senderId: m.senderId, receiverIds: [CUSTOMS_RECEIVER[m.direction]], copMsgId: guid });
    return { id: guid, routingKey: this.s.routingKey(m), body: Buffer.from(dxp, 'utf8') };
  }

  private check(outgoing: readonly Outgoing[], outcomes: readonly Outcome[]): void {
    const total = outcomes.length;
    const lost = outcomes.filter((o): o is { lost: string } => typeof o === 'object');
    if (lost.length) throw new AppError('unavailable', 'GATEWAY_AMQP_LOST', { count: lost.length, total, detail: lost[0]!.lost });
    const nacked = outcomes.filter((o) => o === 'nacked').length;
    if (nacked) throw new AppError('unavailable', 'GATEWAY_AMQP_NACKED', { count: nacked, total });
    const unroutable = outgoing.filter((_, i) => outcomes[i] === 'unroutable');
    if (unroutable.length) {
      throw new AppError('unavailable', 'GATEWAY_AMQP_UNROUTABLE', { exchange: this.s.exchange, routingKey: unroutable[0]!.routingKey, count: unroutable.length, total });
    }
  }

  private connected(): Promise<Link> {
    if (!this.link) {
      const opening = this.open();
      this.link = opening;
      opening.then(
        (link) => this.watch(link, opening),
        // A failed attempt is forgotten so the next send tries again.
        () => this.forget(opening),
      );
    }
    return this.link;
  }

  private forget(link: Promise<Link>): void {
    if (this.link === link) this.link = undefined;
  }

  private async open(): Promise<Link> {
    const conn = await openConnection(this.s, 'publisher');
    try {
      const ch = await conn.createConfirmChannel();
      watchChannel(ch, this.s, 'publisher');
      // Declared here too: a process may send without ever starting the receipt consumer.
      await ch.assertExchange(this.s.exchange, 'direct', { durable: true });
      return { conn, channel: new ConfirmedChannel(ch), blocked: undefined };
    } catch (err) {
      await conn.close().catch(ignore);
      throw unavailable(this.s, err);
    }
  }

  private watch(link: Link, opening: Promise<Link>): void {
    // A resource alarm on the broker stops it reading: publishing then would wait, not fail.
    link.conn.on('blocked', (reason: unknown) => { link.blocked = String(reason); });
    link.conn.on('unblocked', () => { link.blocked = undefined; });
    link.conn.on('close', () => this.forget(opening));
    // A channel error leaves the connection open; drop both and start afresh on the next send.
    link.channel.channel.on('close', () => {
      this.forget(opening);
      link.conn.close().catch(ignore);
    });
  }
}

// ---- receiving ---------------------------------------------------------------------------------

interface Held {
  readonly delivery: ConsumeMessage;
  readonly receipt: InboundReceipt;
}

/** Consumes the receipt queue and feeds the sink one batch at a time. */
class ReceiptConsumer {
  private conn: ChannelModel | undefined;
  private channel: Channel | undefined;
  private consumerTag: string | undefined;
  private held: Held[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private failures = 0;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(private readonly s: Settings, private readonly sink: ReceiptSink) {}

  async start(): Promise<void> {
    const conn = await openConnection(this.s, 'receipt consumer');
    this.conn = conn;
    conn.on('close', () => {
      if (!this.stopping) this.s.logger.error({ broker: this.s.target, queue: this.s.receiptQueue }, 'receipt consumer lost its broker connection; receipts wait in the queue until the gateway is started again');
    });
    try {
      const ch = await conn.createChannel();
      watchChannel(ch, this.s, 'receipt consumer');
      this.channel = ch;
      await declareTopology(ch, this.s);
      await ch.prefetch(this.s.prefetch);
      const { consumerTag } = await ch.consume(this.s.receiptQueue, (d) => this.onDelivery(d), { noAck: false });
      this.consumerTag = consumerTag;
    } catch (err) {
      throw unavailable(this.s, err);
    }
  }

  /** Stops deliveries, lets a sink call under way finish and be acked, then hands back the rest. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.batchTimer);
    this.wake?.();
    const ch = this.channel;
    if (ch && this.consumerTag) await ch.cancel(this.consumerTag).catch(ignore);
    await this.pumping;
    this.release(this.held.splice(0));
    await ch?.close().catch(ignore);
    await this.conn?.close().catch(ignore);
  }

  private onDelivery(delivery: ConsumeMessage | null): void {
    if (!delivery) {
      this.s.logger.error({ queue: this.s.receiptQueue }, 'the broker cancelled the receipt consumer (queue deleted?); no more receipts will arrive');
      return;
    }
    const read = readDelivery(delivery.content, new Date());
    if (!read.ok) {
      this.deadLetter(delivery, read.reason, read.issues);
      return;
    }
    if (read.envelopeIssues.length) {
      // The business receipt inside is sound; losing it over a flawed envelope would cost more.
      this.s.logger.warn({ ...deliveryFacts(delivery), issues: summarise(read.envelopeIssues) }, 'receipt accepted although its DxpMsg envelope has problems');
    }
    this.held.push({ delivery, receipt: read.receipt });
    this.schedule();
  }

  private deadLetter(delivery: ConsumeMessage, reason: string, issues: readonly CebIssue[]): void {
    // The body is not logged: it may hold personal data, and the dead-letter queue keeps it anyway.
    this.s.logger.warn({ ...deliveryFacts(delivery), queue: this.s.receiptQueue, deadLetterQueue: this.s.deadQueue, reason, issues: summarise(issues) }, 'unreadable receipt delivery dead-lettered');
    this.settle(delivery, 'dead');
  }

  private schedule(): void {
    if (this.pumping || this.stopping) return;
    if (this.held.length >= this.s.batchSize) this.pump();
    else this.batchTimer ??= setTimeout(() => this.pump(), this.s.batchWaitMs);
  }

  private pump(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.pumping || this.stopping) return;
    this.pumping = this.drain()
      .catch((err: unknown) => this.s.logger.error({ err }, 'receipt batching failed'))
      .finally(() => {
        this.pumping = undefined;
        if (this.held.length) this.schedule();
      });
  }

  private async drain(): Promise<void> {
    while (this.held.length > 0 && !this.stopping) {
      const batch = this.held.splice(0, this.s.batchSize);
      if (await this.deliver(batch)) {
        this.failures = 0;
        continue;
      }
      // Hand back what is held too, so the redelivery keeps the queue's order.
      this.release(this.held.splice(0));
      this.failures++;
      await this.pause(Math.min(RETRY_FIRST_MS * 2 ** (this.failures - 1), RETRY_MAX_MS));
    }
  }

  private async deliver(batch: readonly Held[]): Promise<boolean> {
    try {
      await this.sink(batch.map((h) => h.receipt));
    } catch (err) {
      this.s.logger.warn({ err, count: batch.length, failures: this.failures + 1 }, 'receipt sink failed; the receipts go back to the queue');
      this.release(batch);
      return false;
    }
    for (const h of batch) this.settle(h.delivery, 'ack');
    return true;
  }

  private release(held: readonly Held[]): void {
    for (const h of held) this.settle(h.delivery, 'requeue');
  }

  private settle(delivery: ConsumeMessage, how: 'ack' | 'requeue' | 'dead'): void {
    const ch = this.channel;
    try {
      if (how === 'ack') ch?.ack(delivery);
      else ch?.nack(delivery, false, how === 'requeue');
    } catch (err) {
      // The channel is gone; the broker redelivers whatever was not settled.
      this.s.logger.warn({ err, ...deliveryFacts(delivery), how }, 'could not settle a receipt delivery; the broker will deliver it again');
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * The receipt queue dead-letters through the default exchange straight to `<queue>.dead`, so no
 * extra exchange is needed. The outbound exchange is declared here as well, so that one start()
 * leaves the whole topology in place.
 */
async function declareTopology(ch: Channel, s: Settings): Promise<void> {
  await ch.assertExchange(s.exchange, 'direct', { durable: true });
  await ch.assertQueue(s.deadQueue, { durable: true });
  await ch.assertQueue(s.receiptQueue, {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': s.deadQueue },
  });
}

const deliveryFacts = (d: ConsumeMessage) => ({
  messageId: d.properties.messageId as unknown,
  deliveryTag: d.fields.deliveryTag,
  redelivered: d.fields.redelivered,
  bytes: d.content.length,
});

const summarise = (issues: readonly CebIssue[]) => issues.slice(0, 5).map((i) => ({ code: i.code, rule: i.rule, path: i.path, message: i.message.en }));

// Every customs → enterprise message type in both catalogues (CEB312 … CEB792, CEB816, CEB818,
// CEB900) ends in an even number, every declaration in an odd one.
const RECEIPT_TYPE = /^CEB\d\d[02468]Message$/;

type DeliveryRead =
  | { readonly ok: true; readonly receipt: InboundReceipt; readonly envelopeIssues: readonly CebIssue[] }
  | { readonly ok: false; readonly reason: string; readonly issues: readonly CebIssue[] };

/** A DxpMsg (or DxpMsgSv) around a receipt, or a bare receipt, read and checked by the codec. */
function readDelivery(body: Buffer, receivedAt: Date): DeliveryRead {
  let read: Unwrapped;
  try {
    read = unwrap(body);
  } catch (err) {
    // A reader bug must cost one delivery, not the consumer.
    return { ok: false, reason: `reader failed: ${errorText(err)}`, issues: [] };
  }
  const business = read.business;
  if (!business) return { ok: false, reason: 'no readable message', issues: read.errors };
  if (!business.valid || !business.message || !business.messageType) return { ok: false, reason: 'invalid message', issues: business.errors };
  if (!RECEIPT_TYPE.test(business.messageType)) return { ok: false, reason: `not a receipt: ${business.messageType}`, issues: [] };
  // A bare receipt always carries unwrap()'s "not an envelope" note, which is no problem here.
  const envelopeIssues = read.dxp ? read.errors : [];
  return { ok: true, receipt: { messageType: business.messageType, model: business.message, receivedAt }, envelopeIssues };
}

// ---- tools -------------------------------------------------------------------------------------

export interface PublishReceiptOptions {
  /** Put the body on the queue as it is (e.g. to test malformed input) instead of in a DxpMsg. */
  readonly raw?: boolean;
  /** DxpMsg ReceiverId: the enterprise the receipt is for (default a test id). */
  readonly receiverId?: string;
}

/**
 * Puts a receipt on the receipt queue as customs would: the XML in a DxpMsg sent by the customs
 * system of its direction. For tests and tools; resolves once the broker has confirmed it.
 */
export async function publishReceipt(url: string, queue: string, xml: string, options: PublishReceiptOptions = {}): Promise<void> {
  const body = options.raw ? xml : customsEnvelope(xml, options.receiverId ?? 'DXPENT0000000001');
  const s = settings({ url, receiptQueue: queue, logger: consoleLogger });
  const conn = await openConnection(s, 'receipt publisher');
  try {
    const ch = new ConfirmedChannel(await conn.createConfirmChannel());
    watchChannel(ch.channel, s, 'receipt publisher');
    const outcome = await ch.publish('', { id: newGuid(), routingKey: queue, body: Buffer.from(body, 'utf8') });
    if (outcome === 'unroutable') throw new AppError('unavailable', 'GATEWAY_AMQP_UNROUTABLE', { exchange: '(default)', routingKey: queue, count: 1, total: 1 });
    if (outcome === 'nacked') throw new AppError('unavailable', 'GATEWAY_AMQP_NACKED', { count: 1, total: 1 });
    if (typeof outcome === 'object') throw new AppError('unavailable', 'GATEWAY_AMQP_LOST', { count: 1, total: 1, detail: outcome.lost });
  } finally {
    await conn.close().catch(ignore);
  }
}

function customsEnvelope(xml: string, receiverId: string): string {
  const read = readMessage(xml);
  const guid = typeof read.message?.guid === 'string' ? read.message.guid : undefined;
  return wrap(xml, {
    senderId: CUSTOMS_RECEIVER[read.direction ?? 'import'],
    receiverIds: [receiverId],
    ...(guid ? { copMsgId: guid } : {}),
  });
}
