/**
 * @module tests/setup/pglite-pristine — runs in every test file's process before its tests: in-memory PGlite
 * databases start from the cluster the global setup initialised once (`usePristinePgliteCluster`).
 */
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { usePristinePgliteCluster } from '../../src/db/index.ts';

const path = inject('pglitePristinePath');
// Read only when the file's first in-memory database opens: most test files never open one.
usePristinePgliteCluster(async () => new Blob([await readFile(path)]));
