// The parts of sm-crypto (an independent SM2 implementation, used only as a test oracle) the tests call.
declare module 'sm-crypto' {
  interface SignOptions { hash?: boolean; der?: boolean; userId?: string }
  const smCrypto: {
    sm2: {
      doSignature(msg: string, privateKeyHex: string, options?: SignOptions): string;
      doVerifySignature(msg: string, signatureHex: string, publicKeyHex: string, options?: SignOptions): boolean;
    };
  };
  export default smCrypto;
}
