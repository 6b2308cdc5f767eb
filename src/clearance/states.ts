// The life cycles of filed documents and inventory lists, as data: which state a customs
// returnStatus leads to, and which moves are allowed. A receipt that would move a subject
// backwards (a late "2" after "120") is stored but changes nothing. Codes: ceb-messages.md §6.

export type DocumentState = 'received' | 'held' | 'sent' | 'declaring' | 'delivered' | 'send_failed' | 'stored' | 'rejected' | 'concluded' | 'deleted';
export type InventoryState =
  | 'built' | 'filed' | 'waiting' | 'held' | 'sent' | 'declaring' | 'delivered' | 'send_failed' | 'stored' | 'review' | 'inspection'
  | 'detained' | 'concluded' | 'released' | 'closed' | 'rejected' | 'returned' | 'cancelled' | 'refunded';

/** Receipt returnStatus → the state it puts a document (312/412/512, 304/404/506 …) in. */
export const DOCUMENT_RECEIPT_STATES: Readonly<Record<string, DocumentState>> = {
  '1': 'declaring', '2': 'declaring', '3': 'delivered', '4': 'send_failed', '100': 'rejected', '120': 'stored', '399': 'concluded', '800': 'concluded',
};

/** Receipt returnStatus → inventory state (CEB622/CEB604). Negative statuses are refusals. */
export const INVENTORY_RECEIPT_STATES: Readonly<Record<string, InventoryState>> = {
  '1': 'declaring', '2': 'declaring', '3': 'delivered', '4': 'send_failed', '100': 'rejected', '120': 'stored', '300': 'review',
  '399': 'concluded', '500': 'inspection', '501': 'detained', '502': 'detained', '503': 'detained', '599': 'detained',
  '700': 'returned', '800': 'released', '899': 'closed',
};

export const DOCUMENT_TRANSITIONS: Readonly<Record<DocumentState, readonly DocumentState[]>> = {
  received: ['sent', 'declaring', 'delivered', 'stored', 'rejected', 'send_failed', 'deleted'],
  // Held by risk control until a reviewer approves (→ received) or rejects it.
  held: ['received', 'rejected', 'deleted'],
  sent: ['declaring', 'delivered', 'stored', 'rejected', 'send_failed', 'concluded', 'received', 'deleted'],
  declaring: ['delivered', 'stored', 'rejected', 'send_failed', 'concluded', 'received', 'deleted'],
  delivered: ['stored', 'rejected', 'concluded', 'received', 'deleted'],
  send_failed: ['sent', 'received', 'deleted'],
  stored: ['concluded', 'rejected', 'received', 'deleted'],
  // A change (appType 2) re-opens a document customs refused or stored.
  rejected: ['received', 'deleted'],
  concluded: ['received', 'deleted'],
  deleted: [],
};

export const INVENTORY_TRANSITIONS: Readonly<Record<InventoryState, readonly InventoryState[]>> = {
  // A filed list waits for its parcel to match; a built one is ready at once.
  waiting: ['filed', 'rejected', 'cancelled'],
  // A filed list risk control holds for a person: approved it waits for its parcel, rejected it stops.
  held: ['waiting', 'rejected'],
  // send_failed from filed/built: the declarant holds no signing key yet (the list waits for one).
  filed: ['sent', 'send_failed', 'rejected', 'cancelled'],
  built: ['sent', 'send_failed', 'cancelled'],
  sent: ['declaring', 'delivered', 'stored', 'review', 'inspection', 'detained', 'concluded', 'released', 'rejected', 'send_failed'],
  send_failed: ['sent', 'cancelled'],
  declaring: ['delivered', 'stored', 'review', 'inspection', 'detained', 'concluded', 'released', 'rejected', 'send_failed'],
  delivered: ['stored', 'review', 'inspection', 'detained', 'concluded', 'released', 'rejected'],
  // cancelled from here on: customs approved a cancellation (export CEB605 before departure).
  stored: ['review', 'inspection', 'detained', 'concluded', 'released', 'rejected', 'returned', 'cancelled'],
  review: ['inspection', 'detained', 'concluded', 'released', 'rejected', 'returned', 'cancelled'],
  inspection: ['review', 'detained', 'concluded', 'released', 'rejected', 'returned', 'cancelled'],
  detained: ['review', 'inspection', 'concluded', 'released', 'rejected', 'returned', 'cancelled'],
  concluded: ['released', 'inspection', 'detained', 'returned', 'cancelled'],
  // A released list may be cancelled (CEB623/605) or returned whole (CEB625/213).
  released: ['closed', 'cancelled', 'refunded'],
  closed: ['cancelled', 'refunded'],
  rejected: [],
  returned: [],
  cancelled: [],
  refunded: [],
};

export function documentStateFor(returnStatus: string): DocumentState | undefined {
  return returnStatus.startsWith('-') ? 'rejected' : DOCUMENT_RECEIPT_STATES[returnStatus];
}
export function inventoryStateFor(returnStatus: string): InventoryState | undefined {
  return returnStatus.startsWith('-') ? 'rejected' : INVENTORY_RECEIPT_STATES[returnStatus];
}
export const canMoveDocument = (from: string, to: string): boolean =>
  (DOCUMENT_TRANSITIONS[from as DocumentState] ?? []).includes(to as DocumentState);
export const canMoveInventory = (from: string, to: string): boolean =>
  (INVENTORY_TRANSITIONS[from as InventoryState] ?? []).includes(to as InventoryState);

/** States in which a list is with customs or done: the three documents may no longer change. */
export const DECLARED: ReadonlySet<string> = new Set<InventoryState>([
  'sent', 'declaring', 'delivered', 'stored', 'review', 'inspection', 'detained', 'concluded', 'released', 'closed', 'returned', 'refunded',
]);
