// Signing on the way to customs: declarations whose type must be signed (spec table, catalogue
// `mustSign`: import 621/623/625/711, export 509/603/605/607/701) are written to XML and signed
// with the filing enterprise's key from the keystore. Without a key the message waits — customs
// would refuse it unsigned — and the reason is told to the enterprise.

import { messages } from '../ceb/catalogue.js';
import { writeMessage } from '../ceb/codec.js';
import type { MessageCode, Params } from '../kernel/i18n/index.js';
import type { OutboundMessage } from '../clearance/gateway/port.js';
import { signXml } from './dsig.js';
import { createSoftwareSigner } from './software.js';
import type { Keystore } from './keystore.js';

export type SignOutcome =
  | { readonly message: OutboundMessage; readonly signedWith?: { readonly keyName: string; readonly algorithm: string } }
  | { readonly held: { readonly key: MessageCode; readonly params: Params } };

export interface OutboundSigner {
  sign(enterprise: { readonly id: string; readonly name: string }, message: OutboundMessage): Promise<SignOutcome>;
}

export const mustSign = (messageType: string): boolean => messages.get(messageType)?.mustSign ?? false;

export function createOutboundSigner(keystore: Keystore): OutboundSigner {
  return {
    async sign(enterprise, message) {
      // Already signed by its filer (forwarded exactly as received), or not to be signed at all.
      if (message.xml !== undefined || !mustSign(message.messageType)) return { message };
      const type = message.messageType.replace('Message', '');
      try {
        // A key that cannot be opened (another keystore secret, a damaged row) holds this
        // enterprise's declarations with the reason; it never stops the others'.
        const material = await keystore.signingMaterial(enterprise.id);
        if (!material) return { held: { key: 'SIGNING_NO_KEY', params: { enterprise: enterprise.name, type, id: enterprise.id } } };
        const xml = await signXml(writeMessage(message.messageType, message.model), createSoftwareSigner(material.key, material.certificate));
        return { message: { ...message, xml }, signedWith: { keyName: material.certificate.serial, algorithm: material.key.algorithm === 'sm2' ? 'SM2-SM3' : 'RSA-SHA1' } };
      } catch (err) {
        return { held: { key: 'SIGNING_FAILED', params: { enterprise: enterprise.name, type, detail: (err as Error).message.slice(0, 300) } } };
      }
    },
  };
}
