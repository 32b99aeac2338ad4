/** @module db — PostgreSQL's dialect behind one small interface: PGlite embedded, PostgreSQL via DATABASE_URL. */
export type * from './database.ts';
export { openDatabase, databaseEngineOf, redactUrl, databaseSchemes } from './open-database.ts';
export type { OpenDatabaseOptions } from './open-database.ts';
export { migrate, migrationChecksum } from './migrate.ts';
export { codeOfSqlState } from './sql-error.ts';
export { dumpPristinePgliteCluster, usePristinePgliteCluster } from './pglite-pristine.ts';
export type { PristineCluster } from './pglite-pristine.ts';
