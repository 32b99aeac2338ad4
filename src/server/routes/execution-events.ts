/**
 * @module server/routes/execution-events — Server-Sent Events of an execution: the control plane's `watch` as
 * `text/event-stream`, one event per control-plane event (SSE `id` = event id, so a reconnecting client's
 * `Last-Event-ID` resumes after it), ending after the terminal `execution.*` event.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../shared/index.ts';
import type { ExecutionEvent, ControlPlane } from '../../workflows/index.ts';

/** Comment sent this often so proxies keep an idle stream open. */
const KEEP_ALIVE_MS = 15_000;

/** Streams still open; the server aborts them when it closes. */
export class OpenStreams {
  readonly #controllers = new Set<AbortController>();

  /** A controller aborted by `abortAll`; call `release` when the stream ends. */
  open(): AbortController {
    const controller = new AbortController();
    this.#controllers.add(controller);
    return controller;
  }

  /** Forgets a controller. */
  release(controller: AbortController): void {
    this.#controllers.delete(controller);
  }

  /** Ends every open stream. */
  abortAll(): void {
    for (const controller of this.#controllers) controller.abort();
  }
}

/**
 * One event in SSE framing: `id`, and the event as JSON in `data` (type in `data.type`, so `onmessage` gets all).
 * @param event - a control-plane event
 * @returns the framed text
 */
export function sseFrame(event: ExecutionEvent): string {
  return `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Streams an execution's events to the client until the terminal event, the client leaves or the server closes.
 * The caller has checked that the execution exists and may be read.
 * @param streams - the server's open streams
 * @param controlPlane - the control plane
 * @param id - the execution id
 * @param afterId - the last event the client saw (0: from the start)
 * @param request - the request
 * @param reply - the reply (hijacked here)
 */
export async function streamExecutionEvents(
  streams: OpenStreams,
  controlPlane: ControlPlane,
  id: string,
  afterId: number,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const controller = streams.open();
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': stream of execution events\nretry: 2000\n\n');
  const onClose = (): void => controller.abort();
  request.raw.socket.on('close', onClose);
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  try {
    for await (const event of controlPlane.watch(id, { afterId, signal: controller.signal })) {
      if (controller.signal.aborted) break;
      raw.write(sseFrame(event));
    }
  } catch (error) {
    const code = isAppError(error) ? error.code : 'INTERNAL_ERROR';
    const message = isAppError(error) ? error.message : 'event stream failed';
    raw.write(`event: error\ndata: ${JSON.stringify({ code, message })}\n\n`);
  } finally {
    clearInterval(keepAlive);
    request.raw.socket.off('close', onClose);
    streams.release(controller);
    raw.end();
  }
}
