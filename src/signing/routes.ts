// The keystore over HTTP: an enterprise manages its own certificates and keys, the operator any
// enterprise's. Private keys go in and never come out.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, requirePrincipal } from '../http/auth.js';
import { AppError } from '../kernel/errors.js';
import type { RegistryService } from '../registry/index.js';
import type { Keystore } from './keystore.js';

const tags = ['signing'];
const security = [{ bearer: [] }];
const NO_CONTROL = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';

const KeyEntrySchema = Type.Object({
  id: Type.String(), enterpriseId: Type.String(), algorithm: Type.String(), keyName: Type.String({ description: 'certificate serial (hex), written into ds:KeyName' }),
  subject: Type.String(), issuer: Type.String(), notBefore: Type.String(), notAfter: Type.String(), fingerprint: Type.String({ description: 'SHA-256 of the certificate' }),
  platformSigns: Type.Boolean({ description: 'the platform holds the private key and signs this enterprise\'s declarations' }),
  source: Type.String({ description: 'upload, or platform (a demo key made by the platform: not valid at customs)' }),
  active: Type.Boolean(), createdAt: Type.String(), certificatePem: Type.String(),
});
const Params = Type.Object({ id: Type.String({ maxLength: 64, pattern: NO_CONTROL }) });
const KeyParams = Type.Object({ id: Type.String({ maxLength: 64, pattern: NO_CONTROL }), keyId: Type.String({ maxLength: 64, pattern: NO_CONTROL }) });

export function signingRoutes(app: FastifyInstance, keystore: Keystore, registry: RegistryService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  /** The enterprise a request may act on: its own for an enterprise token, any for the operator. */
  const owner = async (request: Parameters<typeof requirePrincipal>[0], ref: string) => {
    const p = requirePrincipal(request);
    const e = await registry.get(ref);
    if (p.kind === 'enterprise' && p.enterpriseId !== e.id) throw new AppError('forbidden', 'FORBIDDEN');
    return { e, actor: actorOf(p), principal: p };
  };

  r.get('/api/v1/enterprises/:id/signing-keys', {
    schema: { tags, security, summary: 'Certificates (and whether the platform holds their keys) of an enterprise, newest first', params: Params, response: { 200: Type.Array(KeyEntrySchema) } },
  }, async (request) => keystore.list((await owner(request, request.params.id)).e.id));

  r.post('/api/v1/enterprises/:id/signing-keys', {
    schema: {
      tags, security, params: Params, response: { 201: KeyEntrySchema },
      summary: 'Register a signing certificate (SM2 or RSA, PEM or Base64 DER); with its private key (PKCS#8 PEM, optionally encrypted with passphrase) the platform signs the enterprise\'s declarations',
      body: Type.Object({
        certificate: Type.String({ maxLength: 20_000, pattern: NO_CONTROL }),
        privateKey: Type.Optional(Type.String({ maxLength: 20_000, pattern: NO_CONTROL })),
        passphrase: Type.Optional(Type.String({ maxLength: 1024 })),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const { e, actor } = await owner(request, request.params.id);
    const entry = await keystore.add(e.id, request.body, actor);
    return reply.status(201).header('location', `/api/v1/enterprises/${e.id}/signing-keys/${entry.id}`).send(entry);
  });

  r.post('/api/v1/enterprises/:id/signing-keys/generate', {
    schema: {
      tags, security, params: Params, response: { 201: KeyEntrySchema },
      summary: 'Operator only: a platform-made key and self-signed certificate for a demo or test enterprise (not valid at customs)',
      body: Type.Object({ algorithm: Type.Optional(Type.Union([Type.Literal('sm2'), Type.Literal('rsa')])) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const { e, actor, principal } = await owner(request, request.params.id);
    if (principal.kind !== 'admin') throw new AppError('forbidden', 'FORBIDDEN');
    const entry = await keystore.generate(e.id, request.body.algorithm ?? 'sm2', { CN: e.nameZh, O: e.uscc }, actor);
    return reply.status(201).send(entry);
  });

  r.delete('/api/v1/enterprises/:id/signing-keys/:keyId', {
    schema: { tags, security, params: KeyParams, response: { 200: KeyEntrySchema }, summary: 'Deactivate a certificate: the platform stops signing with it and stops trusting signatures made with it' },
  }, async (request) => keystore.deactivate((await owner(request, request.params.id)).e.id, request.params.keyId));
}
