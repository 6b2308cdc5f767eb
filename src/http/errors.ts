// The one place where outcomes become HTTP responses.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, issue, type ErrorKind, type Issue } from '../kernel/errors.js';
import { negotiateLocale, text, type Locale, type MessageCode } from '../kernel/i18n/index.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, unavailable: 503, internal: 500,
};

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** AJV (schema) failures expressed in the platform's own issue codes. */
export function issuesFromSchema(errors: readonly AjvError[], context: string): Issue[] {
  const prefix = context === 'body' ? '' : `/${context}`;
  const out: Issue[] = [];
  for (const e of errors) {
    const path = prefix + e.instancePath;
    const field = path || '/';
    switch (e.keyword) {
      case 'required': {
        const p = `${path}/${String(e.params.missingProperty)}`;
        out.push(issue('REQUIRED', p, { field: p }));
        break;
      }
      case 'additionalProperties': {
        const p = `${path}/${String(e.params.additionalProperty)}`;
        out.push(issue('UNKNOWN_FIELD', p, { field: p }));
        break;
      }
      case 'maxLength': case 'maxItems':
        out.push(issue('TOO_LONG', path, { field, max: Number(e.params.limit), actual: '?' }));
        break;
      case 'minLength': case 'minItems':
        out.push(issue('TOO_SHORT', path, { field, min: Number(e.params.limit) }));
        break;
      case 'pattern': case 'format':
        out.push(issue('PATTERN', path, { field }));
        break;
      case 'enum': case 'const': case 'anyOf':
        out.push(issue('ENUM', path, { field, value: '' }));
        break;
      case 'type':
        out.push(issue('TYPE', path, { field, expected: String(e.params.type) }));
        break;
      default:
        out.push(issue('MALFORMED_REQUEST', path, { detail: `${field}: ${e.keyword}` }));
    }
  }
  // anyOf failures repeat their branches' errors; one issue per path and code is enough.
  const seen = new Set<string>();
  return out.filter((i) => !seen.has(i.path + i.code) && seen.add(i.path + i.code));
}

function body(locale: Locale, code: string, t: { 'zh-CN': string; en: string }, issues: readonly (Issue & { line?: number })[], requestId: string, details?: Readonly<Record<string, unknown>>) {
  return {
    error: {
      code,
      message: t[locale],
      messages: t,
      // The line, when an issue comes from a document (CEB XML).
      issues: issues.map((i) => ({ code: i.code, path: i.path, message: i.message[locale], messages: i.message, ...(i.line ? { line: i.line } : {}) })),
      requestId,
      ...details,
    },
  };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const locale = negotiateLocale(request.headers['accept-language']);
  if (err instanceof AppError) {
    return reply.status(STATUS[err.kind]).send(body(locale, err.code, err.text, err.issues, request.id, err.details));
  }
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const issues = issuesFromSchema(fe.validation, fe.validationContext ?? 'body');
    const t = text('VALIDATION_FAILED', { count: issues.length });
    return reply.status(400).send(body(locale, 'VALIDATION_FAILED', t, issues, request.id));
  }
  const status = fe.statusCode ?? 500;
  if (status < 500) {
    const code: MessageCode = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'MALFORMED_REQUEST';
    const t = text(code, { detail: fe.message });
    return reply.status(status).send(body(locale, code, t, [], request.id));
  }
  request.log.error({ err }, 'unhandled error');
  return reply.status(500).send(body(locale, 'INTERNAL', text('INTERNAL', { requestId: request.id }), [], request.id));
}
