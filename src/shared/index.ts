/** @module shared — errors, configuration and progress reporting used by every domain; imports no domain. */
export * from './errors.ts';
export * from './config.ts';
export * from './progress.ts';
export * from './ip-address.ts';
export * from './safe-fetch.ts';
export * from './stac-validator.ts';
export type * from './viewer.ts';
export * from './path-exists.ts';
