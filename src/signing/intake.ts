// Incoming signed messages: the signature must verify over the message as received, its
// certificate must be valid now and registered to the sending enterprise. Otherwise the message is
// refused whole with the DXP error customs would give (1001 数字签名无效, 1002 数字签名过期)
// and nothing of it is recorded.

import type { CebIssue } from '../ceb/decode.js';
import { text, type MessageCode, type Params } from '../kernel/i18n/index.js';
import { IntakeRefused } from '../clearance/parse.js';
import type { Submission } from '../clearance/pipeline.js';
import type { Enterprise } from '../registry/model.js';
import { verifyXml } from './dsig.js';
import type { Keystore } from './keystore.js';

function refuse(code: '1001' | '1002', key: MessageCode, params: Params, original: string, messageType: string): never {
  const issue: CebIssue = { code, rule: key, path: '/Signature', message: text(key, params) };
  throw new IntakeRefused([issue], original, messageType);
}

export function createSignatureCheck(keystore: Keystore, now: () => Date = () => new Date()) {
  return async (enterprise: Enterprise, s: Submission): Promise<void> => {
    const type = s.messageType.replace('Message', '');
    const original = s.signedXml ?? '';
    // A JSON submission carrying a Signature fragment cannot be checked: the bytes it signed are gone.
    if (s.signedXml === undefined) refuse('1001', 'SIGNATURE_INVALID', { type, detail: 'a signature can only be checked on the XML it signed; file signed messages as XML' }, JSON.stringify(s.model).slice(0, 100_000), s.messageType);
    const report = verifyXml(s.signedXml);
    if (!report.valid) refuse('1001', 'SIGNATURE_INVALID', { type, detail: report.detail ?? report.reason ?? '' }, original, s.messageType);
    const cert = report.certificate!;
    const at = now();
    if (at < cert.notBefore || at > cert.notAfter) {
      refuse('1002', 'SIGNATURE_EXPIRED', { type, keyName: cert.serial, from: cert.notBefore.toISOString(), to: cert.notAfter.toISOString() }, original, s.messageType);
    }
    if (!(await keystore.isRegistered(enterprise.id, cert.fingerprint))) {
      refuse('1001', 'SIGNATURE_UNREGISTERED', { type, keyName: cert.serial, subject: cert.subject, enterprise: enterprise.nameZh, id: enterprise.id }, original, s.messageType);
    }
  };
}
