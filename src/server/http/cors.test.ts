import fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStacCors } from './cors.ts';

describe('registerStacCors', () => {
  const app = fastify();
  let url: string;
  beforeAll(async () => {
    registerStacCors(app);
    app.get('/stac/search', async () => ({ type: 'FeatureCollection', features: [] }));
    app.post('/stac/search', async () => ({ type: 'FeatureCollection', features: [] }));
    app.get('/stac', async () => ({ type: 'Catalog' }));
    app.get('/api/datasets', async () => ({ items: [] }));
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('lets any origin read the STAC API, without credentials', async () => {
    for (const path of ['/stac', '/stac/search?limit=1', '/stac/no-such-thing']) {
      const response = await fetch(`${url}${path}`, {
        headers: { origin: 'https://radiantearth.github.io' },
      });
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(response.headers.get('access-control-allow-credentials'), path).toBeNull();
    }
  });

  it('answers the preflight of a JSON search from another origin', async () => {
    const response = await fetch(`${url}/stac/search`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://radiantearth.github.io',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('keeps fAIr’s own API same-origin', async () => {
    const response = await fetch(`${url}/api/datasets`, { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${url}/api/datasets`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
