import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/generate.ts';
import { noiseSchema } from '../../src/generate/noise.ts';
import type { HeadlineKpis } from '../../src/reports/kpi-shape.ts';

// The article's figures, as shipped with the project (a copy of shared/calibration/evn-2020.json).
const calibration = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'src', 'generate', 'calibration', 'evn-2020.json'), 'utf8')) as {
  collection_rate_amount_pct_min: number;
  channel_share_invoices_pct: Record<'bank_and_intermediary' | 'retail_agent' | 'evn_counter', number>;
  channel_share_amount_pct: Record<'bank_and_intermediary' | 'retail_agent' | 'evn_counter', number>;
  cashless_share_customers_pct: number;
  cashless_share_amount_pct: number;
};

const out = mkdtempSync(join(tmpdir(), 'recon-calib-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('calibration evn-2020 at N = 200,000', () => {
  it('lands every headline KPI of truth/kpis.json within ±0.5 pp of the article', () => {
    generate({ out, period: '2025-10', months: 1, customers: 200_000, seed: 2020, noise: noiseSchema.parse({}) });
    const k = (JSON.parse(readFileSync(join(out, 'truth', 'kpis.json'), 'utf8')) as Record<string, HeadlineKpis>)['2025-10']!;
    const r = k.ratios;
    const pct = (v: number | null) => (v ?? NaN) * 100;
    const within = (got: number, want: number) => expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(0.5);
    expect(pct(r.collection_rate_amount)).toBeGreaterThanOrEqual(calibration.collection_rate_amount_pct_min);
    within(pct(r.channel_share_invoices.bank) + pct(r.channel_share_invoices.intermediary), calibration.channel_share_invoices_pct.bank_and_intermediary);
    within(pct(r.channel_share_invoices.retail_agent), calibration.channel_share_invoices_pct.retail_agent);
    within(pct(r.channel_share_invoices.evn_counter), calibration.channel_share_invoices_pct.evn_counter);
    within(pct(r.channel_share_amount.bank) + pct(r.channel_share_amount.intermediary), calibration.channel_share_amount_pct.bank_and_intermediary);
    within(pct(r.channel_share_amount.retail_agent), calibration.channel_share_amount_pct.retail_agent);
    within(pct(r.channel_share_amount.evn_counter), calibration.channel_share_amount_pct.evn_counter);
    within(pct(r.cashless_share_customers), calibration.cashless_share_customers_pct);
    within(pct(r.cashless_share_amount), calibration.cashless_share_amount_pct);
    expect(k.as_of).toBe('2025-11-30');
  }, 180_000);
});
