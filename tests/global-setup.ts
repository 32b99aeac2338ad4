/**
 * @module tests/global-setup — starts the real servers the integration tests use (PostgreSQL, the Swift S3 server)
 * once per `npm test`, and hands their addresses to tests through vitest's provide/inject. Where a server's Debian
 * package is missing, tests that need it skip with a reason, unless FAIR_REQUIRE_TEST_SERVERS=1 (set by .ci/run),
 * which turns a missing server into a failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { dumpPristinePgliteCluster } from '../src/db/index.ts';
import { startTestPostgres } from './setup/postgres.ts';
import { startTestSwift } from './setup/swift.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of a PostgreSQL cluster tests may create databases in, or null when unavailable. */
    testPostgresUrl: string | null;
    /** Why PostgreSQL is unavailable (empty when available). */
    testPostgresSkipReason: string;
    /** S3 endpoint and credentials of the Swift server, or null when unavailable. */
    testS3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string } | null;
    /** Why S3 is unavailable (empty when available). */
    testS3SkipReason: string;
    /** A freshly initialised PGlite cluster (tarball) every in-memory test database starts from. */
    pglitePristinePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const required = process.env['FAIR_REQUIRE_TEST_SERVERS'] === '1';
  // initdb once per run: each test file runs in its own process, and loading this (≈1 s) beats initdb (≈4 s).
  const pristineDir = await mkdtemp(join(tmpdir(), 'fair-test-pglite-pristine-'));
  const pristinePath = join(pristineDir, 'cluster.tar');
  const [postgres, swift] = await Promise.all([
    startTestPostgres(),
    startTestSwift(),
    dumpPristinePgliteCluster().then(async (dump) =>
      writeFile(pristinePath, Buffer.from(await dump.arrayBuffer())),
    ),
  ]);
  for (const [name, server] of [
    ['PostgreSQL', postgres],
    ['Swift S3', swift],
  ] as const) {
    if (required && !server.ok) throw new Error(`${name} test server unavailable: ${server.reason}`);
  }
  project.provide('testPostgresUrl', postgres.ok ? postgres.url : null);
  project.provide('testPostgresSkipReason', postgres.ok ? '' : postgres.reason);
  project.provide('testS3', swift.ok ? swift.s3 : null);
  project.provide('testS3SkipReason', swift.ok ? '' : swift.reason);
  project.provide('pglitePristinePath', pristinePath);
  return () => rm(pristineDir, { recursive: true, force: true });
}
