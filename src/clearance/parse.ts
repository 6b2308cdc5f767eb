// Turns what an enterprise posts (CEB XML, a DxpMsg/DxpMsgSv envelope, or the JSON form of the
// model) into one checked message, or a refusal that names every problem and carries the CEB900
// receipt customs would have answered with. Nothing is stored for a refused message.
import { AppError } from '../kernel/errors.js';
import { checkModel, readMessage, type Model, type ReadResult } from '../ceb/codec.js';
import { unwrap } from '../ceb/dxp.js';
import { renderFormatReceipt } from '../ceb/receipt.js';
import type { CebIssue } from '../ceb/decode.js';
import type { Submission } from './pipeline.js';

/** A refused message; its error answer carries the CEB900 format-check receipt customs would have sent. */
export class IntakeRefused extends AppError {
  constructor(issues: readonly CebIssue[], original: string, messageType?: string) {
    const xml = renderFormatReceipt({ issues, original: original.slice(0, 100_000), ...(messageType ? { messageType } : {}) });
    super('invalid', 'INTAKE_REJECTED', { count: issues.length }, issues, { receipt: { messageType: 'CEB900Message', xml } });
  }
}

const ENVELOPE = /^\s*(?:\uFEFF)?(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[\w.-]+:)?DxpMsg(?:Sv)?[\s>/]/;

/** True when the text starts a DxpMsg / DxpMsgSv envelope (after an XML declaration and comments). */
export const isEnvelope = (text: string): boolean => ENVELOPE.test(text.slice(0, 4096));

/** The business message of a bare CEB message or of an envelope, read with the codec; undefined when an envelope holds none. */
export function readBusinessMessage(bytes: Uint8Array): ReadResult | undefined {
  return isEnvelope(Buffer.from(bytes.subarray(0, 4096)).toString('utf8')) ? unwrap(bytes).business : readMessage(bytes);
}

function accept(result: ReadResult, original: string, envelopeSender?: string, xml?: string | Uint8Array): Submission {
  if (!result.valid || !result.message || !result.messageType) throw new IntakeRefused(result.errors, original, result.messageType);
  // The signature covers the message exactly as received, so those bytes travel with a signed one.
  const signed = xml !== undefined && result.message.Signature !== undefined;
  // A signed message goes on byte for byte, so it must say exactly what was checked: a defect the
  // tolerant reader repaired (a repeated field, a misplaced element) would reach customs unrepaired.
  if (signed && result.warnings.length) throw new IntakeRefused(result.warnings, original, result.messageType);
  // The codec read these bytes as strict UTF-8 already, so the text is exactly them.
  const signedXml = signed ? (typeof xml === 'string' ? xml : Buffer.from(xml).toString('utf8')) : undefined;
  return { messageType: result.messageType, model: result.message, ...(envelopeSender !== undefined ? { envelopeSender } : {}), ...(signedXml !== undefined ? { signedXml } : {}) };
}

export function parseXmlSubmission(body: string | Buffer): Submission {
  const src = typeof body === 'string' ? body : body.toString('utf8');
  if (!src.trim()) throw new AppError('invalid', 'INTAKE_EMPTY');
  if (isEnvelope(src)) {
    const u = unwrap(typeof body === 'string' ? body : new Uint8Array(body));
    if (u.errors.length || !u.business) throw new IntakeRefused([...u.errors, ...(u.business?.errors ?? [])], src, u.business?.messageType);
    return accept(u.business, src, u.dxp?.TransInfo.SenderId, u.dxp?.Data ? Buffer.from(u.dxp.Data, 'base64') : undefined);
  }
  return accept(readMessage(typeof body === 'string' ? body : new Uint8Array(body)), src, undefined, body);
}

export function parseJsonSubmission(body: unknown): Submission {
  const b = body as { messageType?: unknown; message?: unknown } | null;
  if (!b || typeof b !== 'object' || typeof b.messageType !== 'string' || !b.message || typeof b.message !== 'object') {
    throw new AppError('invalid', 'INTAKE_BAD_JSON');
  }
  const type = b.messageType.endsWith('Message') ? b.messageType : `${b.messageType}Message`;
  return accept(checkModel(type, b.message as Model), JSON.stringify(body).slice(0, 100_000));
}
