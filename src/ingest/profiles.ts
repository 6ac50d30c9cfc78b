// The partner registry: loads and validates every profile in pipelines/partners/, and keeps the
// `partners` table in step with it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import type { Database } from '../db/database.ts';
import { PROJECT_ROOT } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import { profileSchema, type PartnerProfile } from './profile.ts';

export const DEFAULT_PROFILE_DIR = join(PROJECT_ROOT, 'pipelines', 'partners');

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/** One issue's message; a misspelt key is named (zod's message names it unless it lists several). */
function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const named = issue.keys.every((k) => issue.message.includes(JSON.stringify(k)));
    const text = named ? issue.message : `${issue.message} (${issue.keys.map((k) => JSON.stringify(k)).join(', ')})`;
    // A draft from `recon partners sniff` saved whole: its notes are for the person finishing it.
    return issue.path.length === 0 && issue.keys.includes('_notes')
      ? `${text}: "_notes" holds the notes of a \`recon partners sniff\` draft; act on them (each TODO), then remove the key`
      : text;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A key that takes one of several forms (a column or several, lines or a pattern, …): say what
    // each form found wrong, so a misspelt key inside it is named, not just "Invalid input".
    const forms = issue.errors.map((branch, i) => {
      const parts = branch.map((sub) => {
        const at = issuePath(sub.path);
        return `${at ? `${at}: ` : ''}${issueText(sub)}`;
      });
      return `(${i + 1}) ${parts.join('; ')}`;
    });
    return `${issue.message}: it fits none of its ${issue.errors.length} forms: ${forms.join(' ')}`;
  }
  return issue.message;
}

/** Flattens zod issues to `file: path.to.key: message` lines. */
export function describeIssues(file: string, issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${file}: ${issuePath(issue.path) || '(root)'}: ${issueText(issue)}`);
}

/**
 * Reads a JSON configuration file (a partner profile, the billing layout) and validates it with
 * `schema`: the typed value, or the problems, each naming the file (as `shown`, relative to the
 * working folder) and the JSON path.
 */
export function parseJsonFile<S extends z.ZodType>(path: string, schema: S): { shown: string; data?: z.output<S>; problems: string[] } {
  const shown = relative(process.cwd(), path) || path;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { shown, problems: [`${shown}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { shown, data: parsed.data, problems: [] } : { shown, problems: describeIssues(shown, parsed.error.issues) };
}

/** Parses one profile file; returns the profile or the list of problems, each naming file and JSON path. */
export function parseProfileFile(path: string): { profile?: PartnerProfile; problems: string[] } {
  const parsed = parseJsonFile(path, profileSchema);
  if (!parsed.data) return { problems: parsed.problems };
  const shown = parsed.shown;
  const problems: string[] = [];
  const expectedId = path.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  if (parsed.data.id !== expectedId) problems.push(`${shown}: id: "${parsed.data.id}" must equal the file name "${expectedId}"`);
  return { profile: parsed.data, problems };
}

/**
 * The `*.json` files of a profile folder, sorted, and the folder's absolute path. Throws a UsageError
 * (exit 2, one line) when `dir` does not exist or is not a folder, as `--profiles` mistyped or naming a
 * profile file instead of its folder.
 */
export function profileFiles(dir: string): { abs: string; files: string[] } {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new UsageError(`partner profile folder ${dir} does not exist`);
  if (!statSync(abs).isDirectory()) throw new UsageError(`partner profile folder ${dir} is a file; expected the folder holding the profiles (<id>.json)`);
  return { abs, files: readdirSync(abs).filter((f) => f.toLowerCase().endsWith('.json')).sort() };
}

/**
 * Loads and validates every `*.json` profile in `dir` (default pipelines/partners).
 * Throws a UsageError listing every problem (file and JSON path) when any profile is invalid.
 */
export function loadProfiles(dir: string = DEFAULT_PROFILE_DIR): PartnerProfile[] {
  const { abs, files } = profileFiles(dir);
  const profiles: PartnerProfile[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const r = parseProfileFile(join(abs, f));
    problems.push(...r.problems);
    if (r.profile && r.problems.length === 0) profiles.push(r.profile);
  }
  if (problems.length > 0) throw new UsageError(`invalid partner profile(s):\n  ${problems.join('\n  ')}`);
  return profiles;
}

/** Stable hash of a validated profile, stored with the partner so a changed profile is visible. */
export function profileHash(profile: PartnerProfile): string {
  return createHash('sha256').update(JSON.stringify(profile)).digest('hex').slice(0, 16);
}

/**
 * Upserts the `partners` table from the profiles (a partner is never deleted: payments refer to it),
 * in one statement: one upsert per partner cost ≈ 24 ms each (1.2 s for the 51 profiles, on every
 * ingest).
 */
export async function upsertPartners(db: Database, profiles: PartnerProfile[]): Promise<void> {
  if (profiles.length === 0) return;
  const rows = profiles.map((_, i) => `(${[1, 2, 3, 4, 5, 6].map((c) => `$${i * 6 + c}`).join(', ')})`);
  await db.run(
    `INSERT INTO partners (partner_id, name, channel_group, bin, default_instrument, profile_hash)
     VALUES ${rows.join(',\n            ')}
     ON CONFLICT (partner_id) DO UPDATE SET name = excluded.name, channel_group = excluded.channel_group,
       bin = excluded.bin, default_instrument = excluded.default_instrument, profile_hash = excluded.profile_hash`,
    profiles.flatMap((p) => [p.id, p.name, p.channel_group, p.bin ?? null, p.default_instrument, profileHash(p)]),
  );
}
