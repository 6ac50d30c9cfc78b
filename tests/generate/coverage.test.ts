import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateSummary } from '../../src/generate/generate.ts';
import { noiseSchema } from '../../src/generate/noise.ts';

// One generated N = 100,000 month must show every format feature and every noise kind of issue 3.
const out = mkdtempSync(join(tmpdir(), 'recon-cover-'));
let s: GenerateSummary;
beforeAll(() => {
  s = generate({ out, period: '2025-09', months: 1, customers: 100_000, seed: 42, noise: noiseSchema.parse({}) });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const column = (file: string, i: number) => new Set(readFileSync(join(out, 'truth', file), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[i]));

describe('a generated N = 100,000 month', () => {
  it.each([
    'format:delimiter_comma', 'format:delimiter_semicolon', 'format:delimiter_pipe', 'format:delimiter_tab',
    'format:encoding_utf-8', 'format:encoding_utf-8-bom', 'format:encoding_utf-16le', 'format:encoding_windows-1258',
    'format:header_vietnamese', 'format:header_english', 'format:header_none', 'format:preamble',
    'format:trailer_total_row', 'format:trailer_regex', 'format:trailer_record', 'format:page_break_lines',
    'format:amount_dot_grouping', 'format:amount_comma_grouping', 'format:amount_dot_grouping_decimal_comma', 'format:amount_plain_grouping',
    'format:date_DD/MM/YYYY', 'format:date_DD/MM/YYYY HH:mm:ss', 'format:date_YYYYMMDD', 'format:date_YYYYMMDDHHmmss', 'format:date_ISO',
    'format:quoted_memo_with_delimiter', 'format:quoted_memo_with_line_break', 'format:files_daily', 'format:files_period',
    'noise:invoice_ref', 'noise:invoice_ref_series_number', 'noise:customer_code_only', 'noise:code_in_memo_only', 'noise:vietqr_memo', 'noise:multi_invoice',
    'noise:partial', 'noise:overpayment', 'noise:second_channel', 'noise:duplicate_row', 'noise:file_delivered_twice',
    'noise:reversal', 'noise:partial_refund', 'noise:orphan_reversal', 'kind:reversal', 'kind:refund', 'noise:mistyped_code',
    'noise:unknown_customer', 'noise:no_open_invoice', 'noise:after_as_of', 'noise:trailer_disagrees_count', 'noise:trailer_disagrees_sum',
    'reject:bad_amount', 'reject:bad_date', 'reject:missing_field', 'reject:column_count', 'reject:negative_amount', 'reject:unknown_code',
  ])('has %s', (key) => {
    expect(s.stats[key] ?? 0).toBeGreaterThan(0);
  });

  it('has every exception reason and every reject reason in its truth', () => {
    expect([...column('exceptions.csv', 2)].sort()).toEqual(
      ['duplicate_payment', 'no_open_invoice', 'orphan_reversal', 'overpayment_credit', 'suggested_match', 'unknown_customer'],
    );
    expect([...column('rejects.csv', 2)].sort()).toEqual(['bad_amount', 'bad_date', 'column_count', 'missing_field', 'negative_amount', 'unknown_code']);
  });

  it('delivers some files twice, byte for byte, under another name', () => {
    const twins = ['momo', 'acb'].flatMap((p) => {
      const files = readdirSync(join(out, 'partners', p));
      return files.filter((f) => /_resend\.|\(1\)\./.test(f)).map((f) => [p, f] as const);
    });
    expect(twins.length).toBeGreaterThan(0);
    for (const [p, f] of twins) {
      const original = f.replace('_resend.', '.').replace(' (1).', '.');
      expect(readFileSync(join(out, 'partners', p, f)).equals(readFileSync(join(out, 'partners', p, original)))).toBe(true);
    }
  });

  it('spreads retail payments over many agents (about one per 470 customers)', () => {
    const agents = new Set<string>();
    for (const p of ['vnpost', 'viettelpost', 'mwg', 'agent-coop']) {
      for (const f of readdirSync(join(out, 'partners', p))) {
        for (const m of readFileSync(join(out, 'partners', p, f), 'latin1').matchAll(/^([A-Z]+\d{5});/gm)) agents.add(m[1]!);
      }
    }
    expect(agents.size).toBeGreaterThan(200);
  });
});
