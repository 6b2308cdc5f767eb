// The lifecycle of a summary and of each of its header groups (one SummaryApply, one 报关单):
// built → sent → accepted (CEB702 399, customs gives the sumNo) → concluded (CEB792, the 报关单's
// numbers); rejected (CEB702 100 or a negative status) gives the month back to be built again.
// 汇总统计 summaries send nothing and stay 'statistics'.

export type SummaryState = 'built' | 'sent' | 'accepted' | 'concluded' | 'rejected' | 'statistics';

export const TRANSITIONS: Readonly<Record<SummaryState, readonly SummaryState[]>> = {
  // Receipts may overtake the platform's own note that it sent the message.
  built: ['sent', 'accepted', 'concluded', 'rejected'],
  sent: ['accepted', 'concluded', 'rejected'],
  // A later part of a split application can still be refused.
  accepted: ['concluded', 'rejected'],
  concluded: [],
  rejected: [],
  statistics: [],
};

export const canMove = (from: string, to: string): boolean =>
  from === to || (TRANSITIONS[from as SummaryState]?.includes(to as SummaryState) ?? false);

/** The state customs' receipt status (CEB702 returnStatus) puts a group in. */
export function stateOfReturn(status: string): SummaryState {
  if (status === '399') return 'accepted';
  if (status === '100' || status === '4' || /^-/.test(status)) return 'rejected';
  return 'sent';
}

/** A summary's state from its groups': any refused refuses it; it moves on as its slowest group does. */
export function summaryStateOf(groups: readonly string[], current: string): string {
  if (current === 'statistics' || !groups.length) return current;
  let next: SummaryState;
  if (groups.includes('rejected')) next = 'rejected';
  else if (groups.every((g) => g === 'concluded')) next = 'concluded';
  else if (groups.every((g) => g === 'accepted' || g === 'concluded')) next = 'accepted';
  else if (groups.some((g) => g !== 'built')) next = 'sent';
  else next = 'built';
  return canMove(current, next) ? next : current;
}
