import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback.ts';
import { cookieValue, providerName } from './auth-service.ts';
import { codeChallengeOf, newSecret, sha256Hex } from './secrets.ts';

describe('auth helpers', () => {
  it('computes the RFC 7636 S256 challenge', () => {
    // The example of RFC 7636, appendix B.
    expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes 32-byte secrets and hashes them as hex SHA-256', () => {
    const secret = newSecret('fair_');
    expect(secret).toMatch(/^fair_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(newSecret());
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads one cookie from a Cookie header', () => {
    expect(cookieValue('a=1; fair_session=xyz; b=2', 'fair_session')).toBe('xyz');
    expect(cookieValue('fair_sessionx=1', 'fair_session')).toBeUndefined();
    expect(cookieValue(undefined, 'fair_session')).toBeUndefined();
  });

  it('names OpenStreetMap `osm` and other providers by host', () => {
    expect(providerName('https://www.openstreetmap.org/oauth2/authorize')).toBe('osm');
    expect(providerName('http://127.0.0.1:9000/authorize')).toBe('127.0.0.1:9000');
  });

  it('tells loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.org', '10.0.0.1'])
      expect(isLoopbackHost(host)).toBe(false);
  });
});
