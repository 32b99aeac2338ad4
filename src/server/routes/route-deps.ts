/** @module server/routes/route-deps — what the server's own route tables are built from. */
import type { ControlPlane } from '../../workflows/index.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { Route } from '../http/route.ts';
import type { OpenStreams } from './execution-events.ts';

/** The parts route handlers call. */
export type RouteDeps = {
  controlPlane: ControlPlane;
  auth: AuthService;
  streams: OpenStreams;
  /** The server's public URL (no trailing slash), known once it listens. */
  publicUrl(): string;
};

/** Routes of another part of the server (fAIr's resources), built with the route dependencies. */
export type RouteSet = {
  routes(deps: RouteDeps): Route[];
  /** Runs when the server closes (stops background work), after open event streams ended. */
  close?(): Promise<void>;
};
