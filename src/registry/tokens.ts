import { createHash, randomBytes } from 'node:crypto';

// Tokens carry 192 random bits, so a plain SHA-256 is enough at rest (no offline guessing is
// feasible) and keeps lookup by hash a single indexed equality.
export const newToken = (): string => 'sg_' + randomBytes(24).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
