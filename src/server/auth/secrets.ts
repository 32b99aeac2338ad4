/** @module server/auth/secrets — random secrets (API tokens, sessions, PKCE) and their SHA-256 digests. */
import { createHash, randomBytes } from 'node:crypto';

/** Prefix of personal API tokens, so leaked ones are recognisable. */
export const TOKEN_PREFIX = 'fair_';

/**
 * A new random secret: 32 bytes, base64url.
 * @param prefix - text put before it, default none
 * @returns the secret
 */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * The hex SHA-256 of a secret: what the database stores instead of the secret.
 * @param secret - the secret
 * @returns 64 hex digits
 */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The PKCE S256 code challenge of a verifier (RFC 7636: base64url of its SHA-256).
 * @param verifier - the code verifier
 * @returns the challenge
 */
export function codeChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
