// A problem that makes a whole file unloadable (wrong encoding, binary data, missing column):
// the file's transaction rolls back, the file is recorded as failed with this message, and the
// next file goes on.

/** The whole file cannot be loaded; `message` names the file, where, and what was expected. */
export class FileError extends Error {
  override readonly name = 'FileError';
}
