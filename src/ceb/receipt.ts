// CEB900 — the format-check receipt customs returns for a message it cannot accept (spec 202205
// table "报文格式校验回执"): returnStatus below zero, the original message echoed.
import { formatCustomsTime } from '../kernel/time.js';
import { newGuid } from '../kernel/ids.js';
import type { Locale } from '../kernel/i18n/index.js';
import type { CebIssue } from './decode.js';
import { encodeMessage } from './encode.js';

export interface FormatReceiptInput {
  readonly issues: readonly CebIssue[];
  /** The original message as received (echoed in oriBizMessage). */
  readonly original: string;
  readonly messageType?: string;
  /** The DxpMsg CopMsgId of the original, when it came in an envelope. */
  readonly copMsgId?: string;
  readonly at?: Date;
  readonly locale?: Locale;
}

const MAX_INFO = 5000;

/**
 * Renders a CEB900Message. returnStatus is the first issue's customs code when it is a negative
 * business code, else -1 (customs documents only "less than zero"); returnInfo lists every issue
 * as "code path message", cut to the field's 5,000 characters.
 */
export function renderFormatReceipt(input: FormatReceiptInput): string {
  const locale = input.locale ?? 'zh-CN';
  const first = input.issues[0]?.code;
  const status = first && /^-\d+$/.test(first) ? first : '-1';
  let info = input.issues.map((i) => `[${i.code}] ${i.message[locale]}`).join('; ');
  if ([...info].length > MAX_INFO) info = [...info].slice(0, MAX_INFO - 1).join('') + '…';
  const guid = newGuid();
  return encodeMessage('CEB900Message', {
    guid, version: '1.0',
    MessageReturn: {
      guid,
      returnStatus: status,
      returnInfo: info,
      returnTime: formatCustomsTime(input.at ?? new Date(), 'YYYYMMDDhhmmssSSS'),
      oriCopMsgId: (input.copMsgId ?? '').slice(0, 255),
      oriMessageType: (input.messageType ?? 'Unknown').slice(0, 15),
      oriBizMessage: input.original,
    },
  });
}
