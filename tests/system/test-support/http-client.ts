/** @module tests/system/test-support/http-client — small helpers to call a started server over real HTTP. */

/** A response with its status, headers and parsed JSON body (undefined when not JSON). */
export type JsonResponse = { status: number; headers: Headers; body: unknown; text: string };

/**
 * Sends a request; a body object is sent as JSON.
 * @param url - the full URL
 * @param init - method, headers, body (objects become JSON), bearer token
 */
export async function call(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    token?: string;
    cookie?: string;
  } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | null = null;
  if (typeof init.body === 'string') body = init.body;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  if (init.cookie !== undefined) headers['cookie'] = init.cookie;
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/**
 * Logs in through the OAuth2 flow (server → provider → server callback), following the redirects by hand.
 * @param baseUrl - the fAIr server
 * @returns the session cookie (`fair_session=…`) and the final redirect location
 */
export async function loginThroughProvider(baseUrl: string): Promise<{ cookie: string; location: string }> {
  const start = await fetch(`${baseUrl}/api/auth/login?return_to=/welcome`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`login answered ${start.status}: ${await start.text()}`);
  const atProvider = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  if (atProvider.status !== 302) throw new Error(`provider answered ${atProvider.status}`);
  const callback = await fetch(atProvider.headers.get('location') ?? '', { redirect: 'manual' });
  if (callback.status !== 302)
    throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
  const setCookie = callback.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';', 1)[0] ?? '', location: callback.headers.get('location') ?? '' };
}
