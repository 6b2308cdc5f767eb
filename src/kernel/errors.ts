// Two tiers (STYLE.md): expected outcomes are `Issue` values; exceptional failures are `AppError`
// with a stable code. Mapping to HTTP lives in src/http/errors.ts only.
import { text, type MessageCode, type Params, type Text } from './i18n/index.js';

/** One problem with one field: stable code, JSON-pointer-like path, words in every locale. */
export interface Issue {
  readonly code: string;
  readonly path: string;
  readonly message: Text;
}

export function issue(code: MessageCode, path: string, params: Params = {}): Issue {
  return { code, path, message: text(code, params) };
}

export type ErrorKind =
  | 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable' | 'internal';

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: MessageCode;
  readonly text: Text;
  readonly issues: readonly Issue[];
  /** Further fields of the error answer (e.g. the CEB900 receipt of a refused message). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(kind: ErrorKind, code: MessageCode, params: Params = {}, issues: readonly Issue[] = [], details?: Readonly<Record<string, unknown>>) {
    const t = text(code, params);
    super(t.en);
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.text = t;
    this.issues = issues;
    this.details = details;
  }
}

export const invalid = (issues: readonly Issue[]): AppError =>
  new AppError('invalid', 'VALIDATION_FAILED', { count: issues.length }, issues);
export const notFound = (code: MessageCode, value: string): AppError => new AppError('not_found', code, { value });
export const conflict = (code: MessageCode, params: Params, issues: readonly Issue[] = []): AppError =>
  new AppError('conflict', code, params, issues);
