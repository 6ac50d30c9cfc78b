// Which files to read, and which partner each belongs to: folders are walked recursively and
// each file's base name is matched against every profile's file_patterns.
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { PartnerProfile } from './profile.ts';

/**
 * File order: by folder, then by name without its extension, then extension, so a name comes
 * before its copies ("ACB_202702.csv" before "ACB_202702 (1).csv", which a plain sort puts first
 * because a space sorts before the dot): when the same bytes arrive twice, the original is loaded
 * and the copy is the skipped duplicate, and explain cites the file the partner named.
 */
export function comparePaths(a: string, b: string): number {
  const key = (p: string): [string, string, string] => {
    const base = basename(p);
    const dot = base.lastIndexOf('.');
    return [p.slice(0, p.length - base.length), dot > 0 ? base.slice(0, dot) : base, dot > 0 ? base.slice(dot) : ''];
  };
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/** A path met inside a folder that cannot be read as a file: a dangling symbolic link, a link loop. */
export interface Unreadable {
  path: string;
  problem: string;
  /** A file may be missing (a link to a share not mounted, a file that cannot be read): not loaded, as a failed file is. A loop loses nothing. */
  lost: boolean;
}

/**
 * Every regular file under the given files/folders, sorted (comparePaths), deduplicated; hidden files
 * skipped. A path given that does not exist is bad usage; inside a folder, a symbolic link to nothing
 * or back into a folder being read is put in `unreadable` (when given) and the walk goes on: one bad
 * link must not stop a month's files.
 */
export function listFiles(paths: string[], unreadable: Unreadable[] = []): string[] {
  const out = new Set<string>();
  const folders = new Set<string>();
  const walk = (p: string, given: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      if (given) throw new UsageError(`${p}: no such file or folder`);
      const code = (e as NodeJS.ErrnoException).code;
      let target: string | null = null;
      try {
        target = readlinkSync(p);
      } catch {
        // not a link
      }
      const problem =
        code === 'ELOOP' ? `a symbolic link to ${target ?? '?'} that loops`
        : code === 'ENOENT' && target !== null ? `a symbolic link to ${target}, which does not exist (a share not mounted? a file moved?)`
        : `cannot be read (${code ?? String(e)})`;
      unreadable.push({ path: resolve(p), problem, lost: code !== 'ELOOP' });
      return;
    }
    if (st.isDirectory()) {
      const real = realpathSync(p);
      if (folders.has(real)) {
        // A folder named twice on the command line (or inside one named) is read once, as files are;
        // only a link back into a folder read is worth a word.
        if (!given && lstatSync(p).isSymbolicLink()) unreadable.push({ path: resolve(p), problem: `a symbolic link to ${real}, a folder already read: nothing read twice`, lost: false });
        return;
      }
      folders.add(real);
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name), false);
    } else if (st.isFile()) {
      out.add(resolve(p));
    }
  };
  for (const p of paths) walk(p, true);
  return [...out].sort(comparePaths);
}

/**
 * A file's name as it is compared (with file_patterns, and with the names of files received before):
 * its base name in Unicode NFC, so a name written decomposed (NFD, as macOS writes names) is the same.
 */
export function fileName(path: string): string {
  return basename(path).normalize('NFC');
}

/**
 * A glob (`*`, `?`) as a case-insensitive regex over the whole base name, in Unicode NFC: a name
 * with Vietnamese marks matches whether the pattern or the name was written composed or decomposed
 * (macOS writes file names decomposed, NFD), as `recognise` compares NFC names.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${globSource(glob.normalize('NFC'))}$`, 'iu');
}

/** A glob's `*` and `?` as regex source, every other character literal. */
export function globSource(glob: string): string {
  return glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
}

export type Recognition =
  | { path: string; profile: PartnerProfile }
  | { path: string; problem: string };

/**
 * The profile claiming each file, or why none (or more than one) does: `problem` names the cause
 * and what to do, without the path (it is the file's `status_reason` once recorded as unrecognised).
 */
export function recognise(paths: string[], profiles: PartnerProfile[]): Recognition[] {
  const matchers = profiles.map((p) => ({ profile: p, res: p.file_patterns.map(globToRegExp) }));
  return paths.map((path) => {
    const name = fileName(path);
    const claims = matchers.filter((m) => m.res.some((re) => re.test(name))).map((m) => m.profile);
    if (claims.length === 1) return { path, profile: claims[0]! };
    if (claims.length === 0) return { path, problem: `no partner profile recognises the file name "${name}" (no profile's file_patterns match it); add a pattern to the partner's profile, or rename the file, and ingest it again` };
    return { path, problem: `claimed by more than one partner profile (${claims.map((p) => p.id).join(', ')}); make their file_patterns disjoint and ingest it again` };
  });
}
