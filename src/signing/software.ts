// The default Signer adapter: a software key held by the platform (from the keystore or a file).
import { signBytes, type SoftwareKey } from './keys.js';
import type { Signer } from './port.js';
import type { Certificate } from './x509.js';

export function createSoftwareSigner(key: SoftwareKey, certificate: Certificate): Signer {
  if (certificate.publicKey.algorithm !== key.algorithm) throw new RangeError(`the certificate holds an ${certificate.publicKey.algorithm.toUpperCase()} key, the private key is ${key.algorithm.toUpperCase()}`);
  const cert = { der: certificate.der, keyName: certificate.serial };
  return {
    algorithm: key.algorithm,
    certificate: async () => cert,
    sign: async (data) => signBytes(key, data),
  };
}
