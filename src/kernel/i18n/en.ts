import type { zhCN } from './zh-CN.js';

// English catalogue. Same keys as zh-CN, enforced by the type below.
export const en: Record<keyof typeof zhCN, string> = {
  VALIDATION_FAILED: 'The submitted data failed validation ({count} problems)',
  REQUIRED: '{field} is required',
  TOO_LONG: '{field} must be at most {max} characters (got {actual})',
  TOO_SHORT: '{field} must be at least {min} characters',
  PATTERN: '{field} has the wrong format',
  ENUM: '{field} has a value that is not allowed: {value}',
  TYPE: '{field} has the wrong type; expected {expected}',
  UNKNOWN_FIELD: 'Unknown field {field}',
  USCC_FORMAT: 'A unified social credit code has 18 characters: digits and upper-case letters except I, O, Z, S, V: {value}',
  USCC_CHECK_CHAR: 'Wrong check character in the unified social credit code: the 18th character should be {expected}, not {actual} (GB 32100-2015)',
  CUSTOMS_CODE_FORMAT: 'A customs registration code has 10 digits or upper-case letters: {value}',
  DXP_ID_FORMAT: 'A DXP id has 1 to 30 digits or upper-case letters: {value}',
  USCC_IMMUTABLE: 'The unified social credit code cannot be changed once registered',
  ROLE_UNKNOWN: 'Unknown enterprise role: {value}',
  ROLES_EMPTY: 'An enterprise needs at least one role',
  COUNTY_UNKNOWN: '{zone} has no county or district with code {value}',
  PARK_UNKNOWN: '{zone} has no park with code {value}',
  CLUSTER_UNKNOWN: '{zone} has no industry cluster with code {value}',
  CREDIT_LEVEL_UNKNOWN: 'Unknown customs credit level: {value}',
  STATUS_UNKNOWN: 'Unknown enterprise status: {value}',
  DUPLICATE_USCC: 'Unified social credit code {value} is already registered',
  DUPLICATE_CUSTOMS_CODE: 'Customs registration code {value} is already registered',
  DUPLICATE_DXP_ID: 'DXP id {value} is already registered',
  ENTERPRISE_NOT_FOUND: 'No such enterprise: {value}',
  TOKEN_NOT_FOUND: 'No such token: {value}',
  VERSION_CONFLICT: 'The enterprise record has changed (now version {current}, you sent {given}); reload and try again',
  UNAUTHORIZED: 'A valid access token is required (Authorization: Bearer …)',
  FORBIDDEN: 'This token may not do that',
  NOT_FOUND: 'Not found: {value}',
  CODE_TABLE_UNKNOWN: 'There is no code table named {value}',
  MALFORMED_REQUEST: 'Malformed request: {detail}',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  INTERNAL: 'Internal server error; please retry later (request id {requestId})',
  CONFIG_INVALID: 'Configuration error: {detail}',
  DB_UNREACHABLE: 'Cannot reach the database at {target}: {detail}',
  CEB_XML: 'Malformed message: {detail}',
  CEB_UNKNOWN_ROOT: 'Unknown message type {name}',
  CEB_NAMESPACE: '{path} is in namespace {ns}; expected {expected}',
  CEB_REQUIRED: 'Required element {path} is missing',
  CEB_UNEXPECTED: 'Element {name} is not allowed at {path}',
  CEB_OUT_OF_ORDER: 'Element {name} is out of order: it belongs before {after}',
  CEB_TOO_MANY: '{path} allows at most {max}, found {actual}',
  CEB_LENGTH: '{path} must have length {expected}, found {actual}',
  CEB_DECIMAL: '{path} must be a number of at most {digits} digits with at most {frac} decimals, found "{value}"',
  CEB_INT: '{path} must be an integer of at most {digits} digits, found "{value}"',
  CEB_TEXT_IN_COMPLEX: '{path} must not contain text directly',
  CEB_ATTRIBUTE: '{path} must not have attribute {name}',
  CEB_ENUM: '{path} has value "{value}", which is not allowed ({allowed})',
  CEB_CODE_TABLE: '{path} has value "{value}", which is not in the code table "{table}"',
  CEB_TIME: '{path} must be a valid time in the format {format}, found "{value}"',
  CEB_SEQUENCE: '{path}: message sequence number {seq} exceeds the message count {count}',
  CEB_SPLIT: 'Split messages must be numbered 1 to {count} without gaps, found {seqs}',
  CEB_GUID_CASE: '{path} should be upper case (the spec says so): {value}',
  CEB_DEFECT_DUPLICATE: '{path} appears more than once (the spec allows one): the first was kept, the rest ignored',
  CEB_DEFECT_ROOT: 'The root element is {found}; the spec names it {expected}: read as {expected}',
  CEB_DEFECT_EXTRA: '{path} is not defined by the spec (a known defect of the official sample): ignored',
  CEB_ERRORS_TRUNCATED: 'Too many problems; only the first {max} are listed',
  CEB_DEFECT_REPAIRED: '{path} is missing (a known defect of the official sample): filled in as {value} by {rule}',
  CEB_EDITION_FALLBACK: 'The message does not fit the 202205 structure; it was read as the 2018 edition',
  CEB_WRONG_MODEL: '{path} has the wrong data type: {detail}',
  // — clearance pipeline (src/clearance) —
  // — end clearance —

  // — customs gateway adapters (src/clearance/gateway) —
  // — end gateway —

  // — webhooks (src/clearance/webhooks) —
  // — end webhooks —

  // — traffic simulator (src/clearance/traffic) —
  // — end traffic —
};
