// `recon partners sniff`: guesses how a new partner's file is laid out and drafts a profile for a
// person to finish. Guessing is for onboarding only; production ingest never guesses.
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { UsageError } from '../errors.ts';
import type { Encoding } from './profile.ts';

const SAMPLE_BYTES = 256 * 1024;

function guessEncoding(head: Buffer): Encoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i + 1 < Math.min(head.length, 4096); i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  if (oddZeros > 100 && oddZeros > evenZeros * 4) return 'utf-16le';
  if (evenZeros > 100 && evenZeros > oddZeros * 4) return 'utf-16be';
  // Cut at the last line break so a character split by the sample is not held against UTF-8.
  const cut = head.lastIndexOf(0x0a);
  return isUtf8(cut > 0 ? head.subarray(0, cut) : head) ? 'utf-8' : 'windows-1258';
}

const DATE_FORMATS: Array<[RegExp, string]> = [
  [/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/, 'DD/MM/YYYY HH:mm:ss'],
  [/^\d{2}\/\d{2}\/\d{4}$/, 'DD/MM/YYYY'],
  [/^\d{2}-\d{2}-\d{4}$/, 'DD-MM-YYYY'],
  [/^\d{14}$/, 'YYYYMMDDHHmmss'],
  [/^(19|20)\d{6}$/, 'YYYYMMDD'],
  [/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?/, 'ISO'],
];

function guessAmount(values: string[]): { grouping: string; decimal: string | null } | null {
  const v = values.filter((s) => /^-?[\d.,\s]+$/.test(s) && /\d/.test(s));
  if (v.length === 0 || v.length < values.length * 0.8) return null;
  if (v.some((s) => /\d\.\d{3}(\.\d{3})*,\d+$/.test(s))) return { grouping: '.', decimal: ',' };
  if (v.some((s) => /\d,\d{3}(,\d{3})*\.\d+$/.test(s))) return { grouping: ',', decimal: '.' };
  if (v.some((s) => /^\d{1,3}(\.\d{3})+$/.test(s))) return { grouping: '.', decimal: null };
  if (v.some((s) => /^\d{1,3}(,\d{3})+$/.test(s))) return { grouping: ',', decimal: null };
  if (v.every((s) => /^-?\d+$/.test(s))) return { grouping: '', decimal: null };
  return null;
}

/** A draft partner profile for `path`, with the guesses spelled out in `_notes`. */
export async function sniffFile(path: string): Promise<Record<string, unknown>> {
  let head: Buffer;
  try {
    head = readFileSync(path).subarray(0, SAMPLE_BYTES);
  } catch {
    throw new UsageError(`${path}: cannot read the file`);
  }
  if (head.length === 0) throw new UsageError(`${path}: the file is empty; nothing to sniff`);
  const encoding = guessEncoding(head);
  const decoderName = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  let text = new TextDecoder(decoderName).decode(head).normalize('NFC');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lastNl = text.lastIndexOf('\n');
  if (lastNl > 0 && head.length === SAMPLE_BYTES) text = text.slice(0, lastNl);
  const parsed = Papa.parse<string[]>(text, { delimitersToGuess: [',', ';', '\t', '|'], skipEmptyLines: false });
  const delimiter = parsed.meta.delimiter;
  const rows = parsed.data;
  // The header is the first row with the modal number of fields; everything above is preamble.
  const widths = new Map<number, number>();
  for (const r of rows) if (r.length > 1) widths.set(r.length, (widths.get(r.length) ?? 0) + 1);
  const width = [...widths.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 1;
  const headerIdx = Math.max(0, rows.findIndex((r) => r.length === width));
  const header = rows[headerIdx] ?? [];
  const body = rows.slice(headerIdx + 1).filter((r) => r.length === width);
  const headerIsNames = header.every((h) => h.trim() !== '' && !/^-?[\d.,/: ]+$/.test(h.trim()));
  const data = headerIsNames ? body : [header, ...body];
  const names = headerIsNames ? header.map((h) => h.trim()) : header.map((_, i) => `col${i + 1}`);
  const columns = names.map((name, i) => {
    const values = data.map((r) => (r[i] ?? '').trim()).filter((s) => s !== '');
    const date = DATE_FORMATS.find(([re]) => values.length > 0 && values.filter((s) => re.test(s)).length >= values.length * 0.8)?.[1];
    const amount = date ? null : guessAmount(values);
    return { name, sample: values[0] ?? '', date, amount };
  });
  const dateCol = columns.find((c) => c.date);
  const amountCol = [...columns].reverse().find((c) => c.amount && c.amount.grouping !== '') ?? [...columns].reverse().find((c) => c.amount);
  const id = basename(path).replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-|-$/g, '').slice(0, 20) || 'new-partner';
  const preambleLines = rows.slice(0, headerIdx).length;
  return {
    id,
    name: 'TODO: partner name',
    channel_group: 'bank',
    default_instrument: 'transfer',
    file_patterns: [basename(path).replace(/\d+/g, '*')],
    encoding,
    format: { type: 'delimited', delimiter, quote: '"' },
    ...(preambleLines > 0 ? { preamble: { lines: preambleLines } } : {}),
    header: headerIsNames ? { type: 'names' } : { type: 'none', columns: names },
    fields: {
      txn_ref: { column: names[0] ?? 'TODO' },
      paid_at: { column: dateCol?.name ?? 'TODO', format: dateCol?.date ?? 'DD/MM/YYYY HH:mm:ss' },
      amount: { column: amountCol?.name ?? 'TODO', format: { grouping: amountCol?.amount?.grouping ?? '', decimal: amountCol?.amount?.decimal ?? null } },
    },
    _notes: {
      guessed_from: `${Math.min(head.length, SAMPLE_BYTES)} bytes, ${rows.length} lines`,
      columns: columns.map((c) => `${c.name}: ${c.date ? `date ${c.date}` : c.amount ? `amount grouping ${JSON.stringify(c.amount.grouping)} decimal ${JSON.stringify(c.amount.decimal)}` : 'text'} (e.g. ${JSON.stringify(c.sample)})`),
      todo: 'check every guess, map customer_code / memo / kind / instrument, add a trailer if the file states totals, remove _notes',
    },
  };
}
