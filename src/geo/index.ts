/** @module geo — tile math, projections, tile covers and chip names; pure functions, no I/O. */
export * from './tile-math.ts';
export * from './projection.ts';
export * from './tile-cover.ts';
export * from './chip-name.ts';
export * from './ring-checks.ts';
