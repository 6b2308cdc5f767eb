// The customs exchange port. The pipeline hands declarations to a gateway and receives customs'
// receipts from it; what sits behind (the built-in simulator, RabbitMQ carrying DxpMsg envelopes,
// later a real E-port client) is the adapter's business. Messages cross the port as models (the
// codec's JSON form); adapters that talk XML write and read it at their own edge.
import type { Model } from '../../ceb/codec.js';
import type { Direction } from '../../ceb/schema/types.js';

export interface OutboundMessage {
  /** Root element name, e.g. 'CEB621Message'. */
  readonly messageType: string;
  readonly direction: Direction;
  /** The whole message (root attributes guid/version, business entities, BaseTransfer …). */
  readonly model: Model;
  /** DXP id of the enterprise the message is sent for (DxpMsg SenderId). */
  readonly senderId: string;
  /**
   * The message as signed XML (declarations customs requires signed). Adapters that speak XML
   * send exactly these bytes: writing the model again would lose the signature.
   */
  readonly xml?: string;
}

export interface InboundReceipt {
  /** Root element name of the receipt, e.g. 'CEB622Message', 'CEB312Message', 'CEB900Message'. */
  readonly messageType: string;
  readonly model: Model;
  /** When the gateway received it. */
  readonly receivedAt: Date;
}

export type ReceiptSink = (receipts: readonly InboundReceipt[]) => Promise<void>;

export interface CustomsGateway {
  readonly name: string;
  /** Begins delivering receipts to `sink`. A receipt counts as delivered once `sink` resolves. */
  start(sink: ReceiptSink): Promise<void>;
  /** Hands messages over; resolves once the transport has accepted (persisted) them. */
  send(messages: readonly OutboundMessage[]): Promise<void>;
  close(): Promise<void>;
}
