// Which files to read, and which partner each belongs to: folders are walked recursively and
// each file's base name is matched against every profile's file_patterns.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { PartnerProfile } from './profile.ts';

/** Every regular file under the given files/folders, sorted, deduplicated; hidden files skipped. */
export function listFiles(paths: string[]): string[] {
  const out = new Set<string>();
  const walk = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name));
    } else if (st.isFile()) {
      out.add(resolve(p));
    }
  };
  for (const p of paths) walk(p);
  return [...out].sort();
}

/** A glob (`*`, `?`) as a case-insensitive regex over the whole base name. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${body}$`, 'i');
}

export type Recognition =
  | { path: string; profile: PartnerProfile }
  | { path: string; problem: string };

/** The profile claiming each file, or why none (or more than one) does. */
export function recognise(paths: string[], profiles: PartnerProfile[]): Recognition[] {
  const matchers = profiles.map((p) => ({ profile: p, res: p.file_patterns.map(globToRegExp) }));
  return paths.map((path) => {
    const name = basename(path);
    const claims = matchers.filter((m) => m.res.some((re) => re.test(name))).map((m) => m.profile);
    if (claims.length === 1) return { path, profile: claims[0]! };
    if (claims.length === 0) return { path, problem: `${path}: no partner profile recognises the file name "${name}"; add a file_patterns entry to the partner's profile` };
    return { path, problem: `${path}: claimed by more than one partner profile (${claims.map((p) => p.id).join(', ')}); make their file_patterns disjoint` };
  });
}
