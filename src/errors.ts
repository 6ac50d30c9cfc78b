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
