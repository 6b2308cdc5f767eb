// Demo and test enterprises sign with platform-made SM2 keys (self-signed certificates marked as
// not valid at customs), so the demo zone's declarations leave signed like real ones.
import type { Enterprise } from '../registry/model.js';
import type { Keystore } from './keystore.js';

/** Gives each enterprise that has no key the platform can sign with a new SM2 key. Returns how many were made. */
export async function provisionDemoKeys(keystore: Keystore, enterprises: readonly Enterprise[], actor: string): Promise<number> {
  let made = 0;
  for (const e of enterprises) {
    // A key that exists but cannot be opened (another keystore secret) is not replaced behind anyone's back.
    const has = await keystore.signingMaterial(e.id).then((m) => m !== undefined, () => true);
    if (has) continue;
    await keystore.generate(e.id, 'sm2', { CN: e.nameZh, O: e.uscc }, actor);
    made++;
  }
  return made;
}
