/** @module db/channel — the one rule for LISTEN/NOTIFY channel names, shared by both engines. */
import { invalid } from '../shared/index.ts';

/**
 * Accepts lower-case SQL identifiers only, so `LISTEN name` and `pg_notify('name', …)` mean the same channel on
 * both engines (unquoted identifiers fold to lower case).
 * @param channel - the channel name
 * @throws AppError INVALID_PARAMETER_VALUE naming a channel that is not `[a-z_][a-z0-9_]*` (at most 63 characters)
 */
export function checkChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    invalid(
      `channel ${JSON.stringify(channel)} must be a lower-case identifier ([a-z_][a-z0-9_]*, ≤ 63 characters)`,
    );
  }
}
