/**
 * @module cli/api-client — a small client of fAIr's HTTP API for the CLI (`fair demo`): JSON requests with the API's
 * error shape turned into AppErrors, and Server-Sent Events read as an async iterable.
 */
import { AppError, codeToStatus } from '../shared/index.ts';
import type { ErrorCode } from '../shared/index.ts';

/** One event of an SSE stream: its id and its data parsed as JSON. */
export type ServerEvent = { id: string | undefined; data: Record<string, unknown> };

/** A client bound to a server URL (and a token, unless the server runs in single-user mode). */
export type ApiClient = {
  readonly baseUrl: string;
  /**
   * Sends a request and parses the JSON answer.
   * @throws AppError with the API's code and message when the answer is an error
   */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Fetches a path and returns its body as text (results in another format). */
  text(path: string): Promise<string>;
  /** Follows an SSE stream until the server ends it. */
  events(path: string): AsyncGenerator<ServerEvent, void, undefined>;
};

/**
 * Creates the client.
 * @param baseUrl - the server, e.g. `http://127.0.0.1:8080`
 * @param token - a personal API token, default none
 * @returns the client
 */
export function createApiClient(baseUrl: string, token?: string): ApiClient {
  const headers = (extra: Record<string, string> = {}): Record<string, string> =>
    token === undefined ? extra : { ...extra, authorization: `Bearer ${token}` };
  const send = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await errorOf(method, path, response);
    return response;
  };
  return {
    baseUrl,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await send(method, path, body);
      return (response.status === 204 ? undefined : await response.json()) as T;
    },
    async text(path) {
      return (await send('GET', path)).text();
    },
    async *events(path) {
      const response = await send('GET', path);
      if (response.body === null) return;
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseFrame(frame);
          if (event !== undefined) yield event;
        }
      }
    },
  };
}

function parseFrame(frame: string): ServerEvent | undefined {
  let id: string | undefined;
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length === 0) return undefined;
  return { id, data: JSON.parse(data.join('\n')) as Record<string, unknown> };
}

async function errorOf(method: string, path: string, response: Response): Promise<AppError> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (error?.code !== undefined && error.code in codeToStatus)
      return new AppError(error.code as ErrorCode, error.message ?? text, error.details);
  } catch {
    // Not the API's error shape: report the status and text below.
  }
  return new AppError(
    'UPSTREAM_FAILURE',
    `${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`,
  );
}
