/**
 * @module tests/setup/swift — starts (or reuses) a loopback OpenStack Swift with s3api for the tests, through
 * scripts/start-swift.sh (which leaves it running for the next `npm test`).
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

export type TestSwift =
  | { ok: true; s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string } }
  | { ok: false; reason: string };

const port = 18080;
const script = resolve(import.meta.dirname, '..', '..', 'scripts', 'start-swift.sh');

/**
 * Starts Swift (proxy on 127.0.0.1:18080, user `test:tester`, key `testing`) unless it already answers.
 * @returns the S3 endpoint and credentials, or why Swift is unavailable (binaries missing, start failed)
 */
export async function startTestSwift(): Promise<TestSwift> {
  for (const bin of ['swift-proxy-server', 'swift-ring-builder', 'memcached', 'curl']) {
    if (!(await onPath(bin))) return { ok: false, reason: `${bin} not installed (Debian packages swift-*)` };
  }
  try {
    await promisify(execFile)('bash', [script], { timeout: 90_000 });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const reason = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : String(error);
    return { ok: false, reason: `scripts/start-swift.sh failed: ${reason}` };
  }
  return {
    ok: true,
    s3: {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKeyId: 'test:tester',
      secretAccessKey: 'testing',
    },
  };
}

async function onPath(bin: string): Promise<boolean> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const found = await access(join(dir, bin), constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return true;
  }
  return false;
}
