// A problem that makes a whole file unloadable (wrong encoding, binary data, missing column):
// the file's transaction rolls back, the file is recorded as failed with this message, and the
// next file goes on.
import { truncate } from '../errors.ts';

/** Longest message kept: it is the file's status_reason, printed by every `recon files`. */
const MAX_MESSAGE = 2000;

/** The whole file cannot be loaded; `message` names the file, where, and what was expected (cut at 2,000 characters). */
export class FileError extends Error {
  override readonly name = 'FileError';

  constructor(message: string) {
    super(truncate(message, MAX_MESSAGE));
  }
}
