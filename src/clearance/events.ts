// What the pipeline tells the outside world: one event per state change of a document or an
// inventory list, appended in the same transaction as the change. Webhooks, the dashboard and
// statistics read these; none of them can change the pipeline's state.
import type { Text } from '../kernel/i18n/index.js';

export type SubjectKind = 'document' | 'inventory' | 'parcel';

export interface ReceiptInfo {
  /** Receipt message type, e.g. 'CEB622Message'. */
  readonly messageType: string;
  readonly returnStatus: string;
  /** YYYYMMDDhhmmssSSS as customs wrote it. */
  readonly returnTime: string;
  readonly returnInfo: string;
}

export interface ClearanceEvent {
  readonly id: string;
  /** ISO-8601 UTC. */
  readonly at: string;
  /** 'receipt' when a customs receipt caused the change, 'status' for every other change. */
  readonly type: 'receipt' | 'status';
  readonly subject: SubjectKind;
  readonly subjectId: string;
  /** Message type of the subject, e.g. 'CEB311Message', 'CEB621Message'. */
  readonly messageType: string;
  /** Business key, e.g. 'ebpCode:orderNo' for an order, 'logisticsCode:logisticsNo' for a waybill. */
  readonly key: string;
  readonly from: string | null;
  readonly to: string;
  /** Who caused it: 'enterprise:<id>', 'customs', 'platform'. */
  readonly actor: string;
  readonly cause: { readonly code: string; readonly message: Text };
  /** Ids of the enterprises that may see the subject (the filer and every enterprise named in it). */
  readonly audience: readonly string[];
  readonly receipt?: ReceiptInfo;
}
