/** @module server/routes/route-deps — what the server's own route tables are built from. */
import type { ControlPlane } from '../../workflows/index.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { OpenStreams } from './execution-events.ts';

/** The parts route handlers call. */
export type RouteDeps = {
  controlPlane: ControlPlane;
  auth: AuthService;
  streams: OpenStreams;
  /** The server's public URL (no trailing slash), known once it listens. */
  publicUrl(): string;
};
