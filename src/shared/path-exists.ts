/** @module shared/path-exists — whether a file or folder is there, without throwing. */
import { access } from 'node:fs/promises';

/**
 * Whether something exists at a path (a file, folder or link target) that this process can see.
 * @param path - the path
 * @returns true when `access` succeeds
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
