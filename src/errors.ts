// Typed errors that say what to do. The CLI maps them to exit codes in one place (src/cli.ts).

/** Bad usage or unusable configuration: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The run could not complete (a data test failed, a stage broke): exit code 1. */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
}

/** The database file is held by another process. */
export class DatabaseLockedError extends UsageError {}

/**
 * What went wrong when the machine, not the data, stopped DuckDB: it ran out of memory, or of disk
 * for its spill files or the database. One line saying what to do, or null for any other error.
 * Such a failure is never a file's fault: a file it hit is not recorded as `failed` (a rerun with
 * more memory would load it, and the month's figures must not go out without it); the run fails.
 */
export function engineTrouble(e: unknown): string | null {
  const message = e instanceof Error ? e.message : String(e);
  const first = message.split('\n')[0]!;
  if (/^Out of Memory Error/.test(first)) {
    return `DuckDB ran out of memory (${truncate(first.replace(/^Out of Memory Error: /, ''), 160)}): raise --memory-limit (default 5GB) or free memory on the machine, then run again; nothing of the unfinished step was kept`;
  }
  if (/^IO Error/.test(first) && /No space left on device|max_temp_directory_size/.test(first)) {
    return `DuckDB could not write (${truncate(first.replace(/^IO Error: /, ''), 160)}): free disk space for the database and its spill folder (<db>.tmp), then run again; nothing of the unfinished step was kept`;
  }
  return null;
}

export function isUsageError(e: unknown): e is UsageError {
  return e instanceof UsageError;
}

/** Where a bad value was found and what was expected, for messages users can act on. */
export interface InputLocation {
  file: string;
  line?: number;
  field?: string;
  value?: string;
  expected?: string;
}

/** One sentence naming file, line, field, value seen and what was expected. */
export function describeInput(loc: InputLocation, problem: string): string {
  const where = [loc.file, loc.line !== undefined ? `line ${loc.line}` : undefined, loc.field ? `field ${loc.field}` : undefined]
    .filter(Boolean)
    .join(', ');
  const seen = loc.value !== undefined ? `: got ${JSON.stringify(truncate(loc.value, 80))}` : '';
  const want = loc.expected ? `, expected ${loc.expected}` : '';
  return `${where}: ${problem}${seen}${want}`;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}
