/** @module server/auth/loopback — whether a listen host is a loopback address (single-user mode serves only those). */
import { classifyAddress } from '../../shared/index.ts';

/**
 * True for `localhost` and loopback literals (`127.0.0.0/8`, `::1`, `::ffff:127.x`).
 * @param host - the listen host
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  return classifyAddress(h) === 'loopback';
}
