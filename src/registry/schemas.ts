// Wire schemas (TypeBox) for the registry API; they drive request checks and the OpenAPI docs.
// Business rules (check character, zone membership, duplicates) are enforced by the service.
import { Type } from 'typebox';
import { LIMITS } from './rules/validate.js';
import { CREDIT_LEVELS, ROLE_CODES, STATUS_CODES } from './rules/catalogue.js';

 /** No control characters (PostgreSQL refuses U+0000 in text; none belongs in a name or a code). */
const NO_CONTROL = '^[^\\u0000-\\u001f\\u007f]*$';

const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
// Roles, credit levels and statuses are plain strings on the wire so that an unknown value gets the
// registry's own error (ROLE_UNKNOWN …) naming the value; the allowed codes are in the descriptions.
const RoleCode = Type.String({ maxLength: 40, description: `enterprise role: ${ROLE_CODES.join(', ')}` });

export const ContactSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: LIMITS.contactName }),
  phone: Type.Optional(Type.String({ maxLength: LIMITS.contactPhone })),
  email: Type.Optional(Type.String({ maxLength: LIMITS.contactEmail })),
  title: Type.Optional(Type.String({ maxLength: LIMITS.contactTitle })),
}, { additionalProperties: false });

const editable = {
  customsCode: Type.Optional(nullable(Type.String({ maxLength: 10, description: '10-character customs registration code (海关注册编码)' }))),
  dxpId: Type.Optional(nullable(Type.String({ maxLength: 30, description: 'China E-port data exchange id' }))),
  nameZh: Type.String({ minLength: 1, maxLength: LIMITS.nameZh, description: 'registered Chinese name' }),
  nameEn: Type.Optional(nullable(Type.String({ maxLength: LIMITS.nameEn }))),
  roles: Type.Array(RoleCode, { maxItems: 20 }),
  county: Type.Optional(nullable(Type.String({ maxLength: 12, description: 'division code of the county/district (zone profile)' }))),
  park: Type.Optional(nullable(Type.String({ maxLength: 40 }))),
  cluster: Type.Optional(nullable(Type.String({ maxLength: 40 }))),
  creditLevel: Type.Optional(Type.String({ maxLength: 40, description: `customs credit level: ${CREDIT_LEVELS.map((l) => l.code).join(', ')}` })),
  status: Type.Optional(Type.String({ maxLength: 20, description: `status: ${STATUS_CODES.join(', ')}` })),
  address: Type.Optional(nullable(Type.String({ maxLength: LIMITS.address }))),
  contacts: Type.Optional(Type.Array(ContactSchema, { maxItems: LIMITS.contacts })),
};

export const EnterpriseInputSchema = Type.Object({
  uscc: Type.String({ maxLength: 18, description: '18-character unified social credit code (GB 32100-2015)' }),
  ...editable,
}, { additionalProperties: false });

export const EnterprisePatchSchema = Type.Object({
  ...Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, Type.Optional(v)])),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'expected current version (optimistic locking)' })),
}, { additionalProperties: false });

export const EnterpriseSchema = Type.Object({
  id: Type.String(),
  uscc: Type.String(),
  customsCode: Type.Union([Type.String(), Type.Null()]),
  dxpId: Type.Union([Type.String(), Type.Null()]),
  nameZh: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  county: Type.Union([Type.String(), Type.Null()]),
  park: Type.Union([Type.String(), Type.Null()]),
  cluster: Type.Union([Type.String(), Type.Null()]),
  creditLevel: Type.String(),
  creditLevelGiven: Type.String(),
  status: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  contacts: Type.Array(ContactSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

export const EnterpriseQuerySchema = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, pattern: NO_CONTROL, description: 'search names, USCC or customs code' })),
  role: Type.Optional(Type.String({ maxLength: 40 })),
  county: Type.Optional(Type.String({ maxLength: 12 })),
  park: Type.Optional(Type.String({ maxLength: 40 })),
  cluster: Type.Optional(Type.String({ maxLength: 40 })),
  status: Type.Optional(Type.String({ maxLength: 20 })),
  creditLevel: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, default: 0 })),
}, { additionalProperties: false });

export const RefParams = Type.Object({ ref: Type.String({ maxLength: 64, pattern: NO_CONTROL, description: 'platform id, USCC, customs code or DXP id' }) });
