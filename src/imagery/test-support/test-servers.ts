/** @module imagery/test-support/test-servers — local HTTP servers on 127.0.0.1:0 and small images for imagery tests. */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/** A started server: its base URL, the request paths it has seen, and a way to stop it. */
export type TestServer = { url: string; requests: string[]; close(): Promise<void> };

/**
 * Starts an HTTP server on 127.0.0.1 with a free port.
 * @param handler - answers each request
 */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A solid-colour image of the given size and format.
 * @param size - width and height, px
 * @param rgb - the colour
 * @param format - encoding, default png
 */
export async function solidImage(
  size: number,
  rgb: [number, number, number],
  format: 'png' | 'jpeg' | 'webp' | 'tiff' = 'png',
): Promise<Buffer> {
  const [r, g, b] = rgb;
  return sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } })
    .toFormat(format)
    .toBuffer();
}
