/**
 * @module shared/safe-fetch — HTTP(S) requests to user-supplied URLs that cannot be turned against the server: only
 * http(s), no private/loopback/link-local targets unless allowed (checked at connect time, so DNS rebinding does not
 * help), a deadline, a size cap and re-checked redirects.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { AppError } from './errors.ts';
import { classifyAddress, parseIpAddress } from './ip-address.ts';

/** Options of one {@link safeFetch} call. */
export type SafeFetchOptions = {
  /** Allow private, loopback, link-local and other non-public addresses (config `allowPrivateNetwork`). */
  allowPrivateNetwork: boolean;
  /** Deadline for the whole exchange (connect, redirects, body), default 30000 ms. */
  timeoutMs?: number;
  /** Largest body accepted after decompression, default 50 MiB. */
  maxBytes?: number;
  /** HTTP method, default `GET`. */
  method?: 'GET' | 'POST';
  /** Request body (POST). */
  body?: string | Uint8Array;
  /** Extra request headers; `user-agent` and `accept-encoding` have defaults. */
  headers?: Record<string, string>;
  /** Aborts the request; the signal's reason is thrown. */
  signal?: AbortSignal;
  /**
   * Origins (`http://10.0.0.5:8080`) exempt from the address check even when `allowPrivateNetwork` is false, e.g. an
   * operator's internal tile server; redirects away from them are checked again. Default none.
   */
  trustedOrigins?: readonly string[];
};

/** A complete response: any status (non-2xx included), lower-case header names, the whole decoded body. */
export type SafeResponse = { status: number; headers: Record<string, string>; body: Buffer; url: string };

/** Default deadline of a request, ms. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
/** Default largest body, bytes (50 MiB). */
export const DEFAULT_FETCH_MAX_BYTES = 50 * 1024 * 1024;
/** Redirects followed before giving up. */
export const MAX_REDIRECTS = 5;
const USER_AGENT = 'fAIr/3.0 (+https://github.com/hotosm/fAIr)';

type RequestInit = {
  method: 'GET' | 'POST';
  body: string | Uint8Array | undefined;
  headers: Record<string, string>;
  allowPrivateNetwork: boolean;
  trustedOrigins: readonly string[];
  maxBytes: number;
  signal: AbortSignal;
};

/**
 * Fetches `url` safely. Non-2xx statuses are returned, not thrown: callers decide what a 404 means.
 * @param url - an http: or https: URL
 * @param options - see {@link SafeFetchOptions}; `allowPrivateNetwork` is required so every caller decides
 * @returns the final response after following up to 5 redirects
 * @throws AppError INVALID_PARAMETER_VALUE for a URL that does not parse or is not http(s)
 * @throws AppError PERMISSION_DENIED when the host is (or resolves to) a non-public address and that is not allowed
 * @throws AppError LIMIT_EXCEEDED when the body exceeds `maxBytes`
 * @throws AppError TIMEOUT when the deadline passes
 * @throws AppError UPSTREAM_FAILURE for connection errors, bad redirects or corrupt compressed bodies
 * @example
 * const res = await safeFetch('https://tile.openstreetmap.org/0/0/0.png', { allowPrivateNetwork: false });
 * if (res.status === 200) console.log(res.body.length);
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new AppError('TIMEOUT', `request to ${url} timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const init: RequestInit = {
    method: options.method ?? 'GET',
    body: options.body,
    headers: withDefaultHeaders(options.headers ?? {}),
    allowPrivateNetwork: options.allowPrivateNetwork,
    trustedOrigins: (options.trustedOrigins ?? []).map(originOf),
    maxBytes: options.maxBytes ?? DEFAULT_FETCH_MAX_BYTES,
    signal,
  };
  try {
    return await followRedirects(parseHttpUrl(url), init);
  } finally {
    clearTimeout(timer);
  }
}

async function followRedirects(start: URL, init: RequestInit): Promise<SafeResponse> {
  let current = start;
  let request = init;
  for (let hop = 0; ; hop++) {
    const response = await exchange(current, request);
    const location = response.headers.location;
    if (!isRedirect(response.statusCode ?? 0) || location === undefined) {
      const body = await readBody(response, current.href, request);
      return { status: response.statusCode ?? 0, headers: flattenHeaders(response), body, url: current.href };
    }
    response.resume();
    if (hop >= MAX_REDIRECTS)
      throw new AppError(
        'UPSTREAM_FAILURE',
        `too many redirects (more than ${MAX_REDIRECTS}) from ${start.href}`,
      );
    const next = resolveRedirect(current, location);
    request = redirectedInit(request, response.statusCode ?? 0, current, next);
    current = next;
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function resolveRedirect(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new AppError(
      'UPSTREAM_FAILURE',
      `${from.href} redirected to an invalid location ${JSON.stringify(location)}`,
    );
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    throw new AppError(
      'UPSTREAM_FAILURE',
      `${from.href} redirected to ${next.href}: only http and https are allowed`,
    );
  return next;
}

/** 303 (and 301/302 after POST, as browsers do) turn into GET without body; credentials stay on their origin. */
function redirectedInit(init: RequestInit, status: number, from: URL, to: URL): RequestInit {
  const toGet = status === 303 || ((status === 301 || status === 302) && init.method === 'POST');
  const headers = { ...init.headers };
  if (toGet) {
    delete headers['content-type'];
    delete headers['content-length'];
  }
  if (from.origin !== to.origin) {
    delete headers['authorization'];
    delete headers['cookie'];
  }
  return toGet ? { ...init, method: 'GET', body: undefined, headers } : { ...init, headers };
}

/**
 * Parses a URL and checks that it is http: or https:.
 * @throws AppError INVALID_PARAMETER_VALUE naming the URL otherwise
 */
export function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('INVALID_PARAMETER_VALUE', `${JSON.stringify(url)} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new AppError('INVALID_PARAMETER_VALUE', `${url} is not an http(s) URL (scheme ${parsed.protocol})`);
  return parsed;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    throw new AppError('INVALID_PARAMETER_VALUE', `trusted origin ${JSON.stringify(url)} is not a valid URL`);
  }
}

function privateAllowed(url: URL, init: RequestInit): boolean {
  return init.allowPrivateNetwork || init.trustedOrigins.includes(url.origin);
}

function withDefaultHeaders(headers: Record<string, string>): Record<string, string> {
  const lower: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'gzip, deflate, br' };
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

function refusal(host: string, address: string, kind: string): AppError {
  return new AppError(
    'PERMISSION_DENIED',
    `refused to connect to ${host} (${address} is a ${kind} address); pass allowPrivateNetwork: true or set FAIR_ALLOW_PRIVATE_NETWORK=1 to allow it`,
    { host, address, kind },
  );
}

/** A `lookup` for net.connect that resolves normally, then refuses non-public addresses unless allowed. */
function guardedLookup(allowPrivateNetwork: boolean) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = allowPrivateNetwork
        ? undefined
        : addresses.find((a) => classifyAddress(a.address) !== undefined);
      if (refused)
        return callback(refusal(hostname, refused.address, classifyAddress(refused.address) ?? ''), []);
      const first = addresses[0];
      if (options.all) return callback(null, addresses);
      if (!first) return callback(new AppError('UPSTREAM_FAILURE', `${hostname} has no address`), []);
      callback(null, first.address, first.family);
    });
  };
}

const agents = new Map<string, http.Agent>();

/** Keep-alive agents, one per scheme and policy, so a socket opened under one policy never serves the other. */
function agentFor(protocol: string, allowPrivateNetwork: boolean): http.Agent {
  const key = `${protocol}${allowPrivateNetwork}`;
  let agent = agents.get(key);
  if (!agent) {
    agent =
      protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

function checkLiteralHost(url: URL, allowed: boolean): void {
  if (allowed || parseIpAddress(url.hostname) === undefined) return;
  const kind = classifyAddress(url.hostname);
  if (kind !== undefined) throw refusal(url.hostname, url.hostname.replace(/^\[(.*)\]$/, '$1'), kind);
}

function exchange(url: URL, init: RequestInit): Promise<IncomingMessage> {
  const allowed = privateAllowed(url, init);
  checkLiteralHost(url, allowed);
  if (init.signal.aborted) return Promise.reject(abortReason(init.signal, url.href));
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const headers = body ? { ...init.headers, 'content-length': String(body.length) } : init.headers;
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, {
      method: init.method,
      headers,
      agent: agentFor(url.protocol, allowed),
      lookup: guardedLookup(allowed),
    });
    const onAbort = (): void => {
      req.destroy(abortReason(init.signal, url.href));
    };
    init.signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      init.signal.removeEventListener('abort', onAbort);
      reject(toAppError(error, url.href));
    });
    req.on('response', (response) => {
      init.signal.removeEventListener('abort', onAbort);
      resolve(response);
    });
    req.end(body);
  });
}

function abortReason(signal: AbortSignal, url: string): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new AppError('UPSTREAM_FAILURE', `request to ${url} was aborted`);
}

function toAppError(error: unknown, url: string): Error {
  if (error instanceof AppError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const code = (error as { code?: unknown }).code;
  const what = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  return new AppError('UPSTREAM_FAILURE', `could not fetch ${url}: ${what}`);
}

function decoded(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return response.pipe(createGunzip());
  if (encoding === 'deflate') return response.pipe(createInflate());
  if (encoding === 'br') return response.pipe(createBrotliDecompress());
  return response;
}

function readBody(response: IncomingMessage, url: string, init: RequestInit): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > init.maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge(url, init.maxBytes, `Content-Length ${declared}`));
  }
  const stream = decoded(response);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      init.signal.removeEventListener('abort', onAbort);
      response.destroy();
      stream.destroy();
      reject(error);
    };
    const onAbort = (): void => fail(abortReason(init.signal, url));
    if (init.signal.aborted) return onAbort();
    init.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > init.maxBytes)
        fail(tooLarge(url, init.maxBytes, `more than ${init.maxBytes} bytes received`));
      else chunks.push(chunk);
    });
    stream.on('error', (error) => fail(toAppError(error, url)));
    response.on('error', (error) => fail(toAppError(error, url)));
    response.on('aborted', () =>
      fail(new AppError('UPSTREAM_FAILURE', `connection closed while reading ${url}`)),
    );
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      init.signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks, total));
    });
  });
}

function tooLarge(url: string, maxBytes: number, why: string): AppError {
  return new AppError(
    'LIMIT_EXCEEDED',
    `response from ${url} is larger than the limit of ${maxBytes} bytes (${why})`,
  );
}

function flattenHeaders(response: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
