// explain's raw row of a payment: the record as ingest split it, read with the partner's profile
// (its encoding, delimiter, quote and escape characters, fixed width, preamble and header) by
// ingest's own record splitter (src/ingest/records.ts recordAtLine; json.ts for JSON files), so the
// two never disagree on where a record starts and ends. Reading stops at the record: a streaming
// pass over the file up to its line. The profile is read as ingest reads it (parseProfileFile, from
// the folder `recon ingest --profiles` defaults to); when it is missing, does not validate, or cannot
// read the file, the record is read without it (source-line.ts: lines joined while a `"` quote is
// open, encoding guessed), and a note says so. A profile whose hash differs from the one recorded in
// `partners` when the partner's files were last ingested is still used, with a note.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '../db/database.ts';
import { decodeFile, Utf8Repairs } from '../ingest/decode.ts';
import { FileError } from '../ingest/file-error.ts';
import { jsonRecordAtLine } from '../ingest/json.ts';
import type { PartnerProfile } from '../ingest/profile.ts';
import { DEFAULT_PROFILE_DIR, parseProfileFile, profileHash } from '../ingest/profiles.ts';
import { recordAtLine } from '../ingest/records.ts';
import { readSourceLine } from './source-line.ts';
import { isZipFile, readXlsxRow } from './source-xlsx.ts';

/** The partner's profile for reading its files, or why there is none to use (note). */
export interface ProfileForExplain {
  profile: PartnerProfile | null;
  /** Set when the raw row may not be the record exactly as ingest split it. */
  note?: string;
}

/**
 * The profile of `partnerId` in `dir` (default pipelines/partners): the file whose name is the id
 * (`<id>.json`), validated as ingest validates it; its hash compared with `partners.profile_hash`.
 */
export async function profileForExplain(db: Database, partnerId: string, dir: string = DEFAULT_PROFILE_DIR): Promise<ProfileForExplain> {
  const abs = resolve(dir);
  const file = existsSync(abs) ? readdirSync(abs).find((f) => f.replace(/\.json$/i, '') === partnerId && /\.json$/i.test(f)) : undefined;
  const without = 'the raw row is read without it (lines joined while a " quote is open, the encoding guessed), so it may not be the record exactly as ingest split it';
  if (file === undefined) return { profile: null, note: `no profile ${JSON.stringify(partnerId)} in ${dir}: ${without}` };
  const parsed = parseProfileFile(join(abs, file));
  if (!parsed.profile || parsed.problems.length > 0) {
    return { profile: null, note: `the profile ${join(dir, file)} does not validate (${parsed.problems.join('; ')}): ${without}` };
  }
  const row = await db.one<{ profile_hash: string }>('SELECT profile_hash FROM partners WHERE partner_id = $p', { p: partnerId });
  const hash = profileHash(parsed.profile);
  if (row && row.profile_hash !== hash) {
    return {
      profile: parsed.profile,
      note: `the profile ${join(dir, file)} changed since ${partnerId}'s files were last ingested (hash ${hash}, ${row.profile_hash} then): the raw row is read with the current profile`,
    };
  }
  return { profile: parsed.profile };
}

/**
 * The record starting on physical line `line` of the file at `path` (for an XLSX workbook, row
 * `line` of the sheet holding the transaction id), with a note when it was not read with the
 * partner's profile as ingest read it (for a workbook, `profileOf` gives only the time zone). raw is null when the file is gone or holds no such record.
 */
export async function readSourceRecord(path: string, line: number, txnRef: string, profileOf: () => Promise<ProfileForExplain>): Promise<{ sheet?: string; raw: string | null; note?: string }> {
  if (!existsSync(path)) return { raw: null };
  const withNote = (r: { sheet?: string; raw: string | null }, note: string | undefined) => (note === undefined ? r : { ...r, note });
  if (isZipFile(path)) {
    // Cells holding an instant (ISO text with an offset) are shown in the profile's zone, as ingest read them.
    const row = await readXlsxRow(path, line, txnRef, (await profileOf()).profile?.fields.paid_at.timezone);
    return row ?? { raw: null };
  }
  const source = await profileOf();
  const profile = source.profile;
  let note = source.note;
  if (profile !== null && profile.format.type !== 'xlsx') {
    try {
      const text = await recordWithProfile(path, line, profile, txnRef);
      if (text !== undefined) return withNote({ raw: text }, note);
      note = `${note === undefined ? '' : `${note}; `}no record starts on line ${line} of the file as the profile ${profile.id} splits it (the file or the profile changed since it was loaded?): the raw row is read without the profile`;
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      note = `${note === undefined ? '' : `${note}; `}the profile ${profile.id} does not read the file (${e.message}): the raw row is read without the profile`;
    }
  }
  return withNote({ raw: (await readSourceLine(path, line)) ?? null }, note);
}

/**
 * The record on `line` as ingest splits the file with `profile` (CR LF inside it as LF, NFC),
 * undefined when none starts there; FileError when the file is not what the profile describes. Of
 * the JSON objects starting on one line (a minified array), the one holding the transaction id.
 */
export async function recordWithProfile(path: string, line: number, profile: PartnerProfile, txnRef = ''): Promise<string | undefined> {
  const f = profile.format;
  if (f.type === 'xlsx') throw new Error('recordWithProfile reads text files; an XLSX row is read by readXlsxRow');
  const parts = txnRef.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length > 0);
  const text = f.type === 'json' ? await jsonRecordAtLine(path, profile, path, line, parts) : await recordAtLine(decodeFile(path, profile.encoding, path, f.type === 'fixed_width', new Utf8Repairs()), profile, path, line);
  return text?.replaceAll('\r\n', '\n').normalize('NFC');
}
