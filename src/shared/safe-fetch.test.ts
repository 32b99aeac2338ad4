/** @module shared/safe-fetch.test — address classification and safeFetch against local HTTP servers. */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyAddress, isPublicAddress, parseIpAddress } from './ip-address.ts';
import { safeFetch } from './safe-fetch.ts';
import { failure } from './test-support/app-error-failure.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const open = { allowPrivateNetwork: true };

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:192.168.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:0a00:0001::1', 'private'],
    ['example.org', 'not an IP address'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2a00:1450::1'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('parses IPv6 with an embedded IPv4 tail into 16 bytes', () => {
    expect(parseIpAddress('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect(parseIpAddress('2001:db8::ff00:42:8329')).toHaveLength(16);
    expect(parseIpAddress('nope')).toBeUndefined();
  });
});

describe('safeFetch', () => {
  it('returns status, lower-case headers and body from a local server when private networks are allowed', async () => {
    const base = await serve((_req, res) => res.writeHead(200, { 'X-Thing': 'a' }).end('hello'));
    const res = await safeFetch(`${base}/x`, open);
    expect(res).toMatchObject({ status: 200, url: `${base}/x` });
    expect(res.headers['x-thing']).toBe('a');
    expect(res.body.toString()).toBe('hello');
  });

  it('returns a 404 as a response rather than throwing', async () => {
    const base = await serve((_req, res) => res.writeHead(404).end('missing'));
    expect((await safeFetch(base, open)).status).toBe(404);
  });

  it('refuses a loopback IP literal by default and says how to allow it', async () => {
    const base = await serve((_req, res) => res.end('secret'));
    const error = await failure(safeFetch(base, { allowPrivateNetwork: false }));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('127.0.0.1');
    expect(error.message).toContain('FAIR_ALLOW_PRIVATE_NETWORK=1');
  });

  it('refuses a host name that resolves to loopback (checked at connect time)', async () => {
    const base = await serve((_req, res) => res.end('secret'));
    const error = await failure(
      safeFetch(base.replace('127.0.0.1', 'localhost'), { allowPrivateNetwork: false }),
    );
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toMatch(/localhost \((127\.0\.0\.1|::1) is a loopback address\)/);
  });

  it('refuses private IPv4 and IPv6 literals without connecting', async () => {
    expect((await failure(safeFetch('http://10.0.0.1/', { allowPrivateNetwork: false }))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect((await failure(safeFetch('http://[::1]:9/', { allowPrivateNetwork: false }))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect(
      (await failure(safeFetch('http://[::ffff:169.254.169.254]/', { allowPrivateNetwork: false }))).code,
    ).toBe('PERMISSION_DENIED');
  });

  it.each(['ftp://example.org/a', 'file:///etc/passwd', 'not a url'])(
    'refuses %s as INVALID_PARAMETER_VALUE',
    async (url) => {
      const error = await failure(safeFetch(url, open));
      expect(error.code).toBe('INVALID_PARAMETER_VALUE');
      expect(error.message).toContain(url);
    },
  );

  it('follows redirects and reports the final URL', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else res.writeHead(200).end(req.url);
    });
    const res = await safeFetch(`${base}/a`, open);
    expect(res.url).toBe(`${base}/b`);
    expect(res.body.toString()).toBe('/b');
  });

  it('gives up after five redirects', async () => {
    const base = await serve((req, res) => res.writeHead(301, { location: `${req.url}x` }).end());
    const error = await failure(safeFetch(`${base}/r`, open));
    expect(error.code).toBe('UPSTREAM_FAILURE');
    expect(error.message).toContain('too many redirects');
  });

  it('re-checks the address of a redirect target that leaves a trusted origin', async () => {
    const target = await serve((_req, res) => res.end('internal'));
    const trusted = await serve((_req, res) => res.writeHead(302, { location: `${target}/secret` }).end());
    const error = await failure(
      safeFetch(trusted, { allowPrivateNetwork: false, trustedOrigins: [trusted] }),
    );
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('127.0.0.1');
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const base = await serve((_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    expect((await failure(safeFetch(base, open))).message).toContain('only http and https');
  });

  it('turns a POST into a GET after 303 and sends the body on the first hop', async () => {
    const seen: string[] = [];
    const base = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        if (req.url === '/post') res.writeHead(303, { location: '/done' }).end();
        else res.end('ok');
      });
    });
    await safeFetch(`${base}/post`, { ...open, method: 'POST', body: 'data=1' });
    expect(seen).toEqual(['POST /post data=1', 'GET /done ']);
  });

  it('times out on a server that never answers', async () => {
    const base = await serve(() => undefined);
    const error = await failure(safeFetch(base, { ...open, timeoutMs: 200 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('200 ms');
  });

  it('refuses a body whose Content-Length exceeds maxBytes', async () => {
    const base = await serve((_req, res) =>
      res.writeHead(200, { 'content-length': '2000' }).end(Buffer.alloc(2000)),
    );
    expect((await failure(safeFetch(base, { ...open, maxBytes: 1000 }))).code).toBe('LIMIT_EXCEEDED');
  });

  it('stops reading a streamed body once it exceeds maxBytes', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(800));
      res.write(Buffer.alloc(800));
      res.end();
    });
    const error = await failure(safeFetch(base, { ...open, maxBytes: 1000 }));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('1000 bytes');
  });

  it('counts the decompressed size against maxBytes and decodes gzip', async () => {
    const packed = gzipSync(Buffer.alloc(5000, 97));
    const base = await serve((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(packed));
    expect((await safeFetch(base, open)).body.toString()).toBe('a'.repeat(5000));
    expect((await failure(safeFetch(base, { ...open, maxBytes: 1000 }))).code).toBe('LIMIT_EXCEEDED');
  });

  it('reports a refused connection as UPSTREAM_FAILURE naming the URL', async () => {
    const base = await serve((_req, res) => res.end());
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    const error = await failure(safeFetch(`${base}/gone`, open));
    expect(error.code).toBe('UPSTREAM_FAILURE');
    expect(error.message).toContain(`${base}/gone`);
  });

  it('throws the caller’s abort reason', async () => {
    const base = await serve(() => undefined);
    const controller = new AbortController();
    const pending = safeFetch(base, { ...open, signal: controller.signal });
    controller.abort(new Error('stop now'));
    await expect(pending).rejects.toThrow('stop now');
  });
});
