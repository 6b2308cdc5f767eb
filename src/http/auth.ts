import type { FastifyRequest } from 'fastify';
import { AppError } from '../kernel/errors.js';
import type { Principal, RegistryService } from '../registry/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Resolves the bearer token, if any; an unknown or revoked token is refused outright. */
export function bearerHook(registry: RegistryService) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) return;
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    let principal;
    try {
      principal = m ? await registry.authenticate(m[1]!) : undefined;
    } catch (err) {
      request.log.error({ err }, 'token check failed');
      throw new AppError('unavailable', 'DB_UNREACHABLE', { target: 'database', detail: 'token check failed' });
    }
    if (!principal) throw new AppError('unauthorized', 'UNAUTHORIZED');
    request.principal = principal;
  };
}

export function requireAdmin(request: FastifyRequest): Principal {
  const p = request.principal;
  if (!p) throw new AppError('unauthorized', 'UNAUTHORIZED');
  if (p.kind !== 'admin') throw new AppError('forbidden', 'FORBIDDEN');
  return p;
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'UNAUTHORIZED');
  return request.principal;
}

/** The audit actor name for a principal. */
export const actorOf = (p: Principal): string => (p.kind === 'admin' ? `admin:${p.tokenId}` : `enterprise:${p.enterpriseId}`);
