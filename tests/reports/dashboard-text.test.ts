// Words the dashboard shows managers: codes are translated, in Vietnamese by default.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/reports/i18n.ts';
import { writeReport } from '../../src/reports/index.ts';
import { fixtureDb } from './fixture.ts';

describe('dashboard text', () => {
  it('names reject reasons in the reader\'s language, keeping the code as a tooltip', async () => {
    const db = await fixtureDb();
    const dir = mkdtempSync(join(tmpdir(), 'recon-dashboard-text-'));
    try {
      const vi = readFileSync((await writeReport(db, { period: '2026-01', lang: 'vi', outDir: join(dir, 'vi') })).dashboardPath, 'utf8');
      const en = readFileSync((await writeReport(db, { period: '2026-01', lang: 'en', outDir: join(dir, 'en') })).dashboardPath, 'utf8');
      expect(vi).toContain('<td title="bad_amount">Số tiền không hợp lệ</td>');
      expect(en).toContain('<td title="bad_amount">Invalid amount</td>');
      // Every file of the fixture's period was read: the figure is there, unmarked.
      expect(en).toContain('<div class="stat"><div class="value">0</div><div class="label">Files not read (failed, or no partner profile claims them)</div></div>');
    } finally {
      db.close();
    }
  });

  it('calls the invoice of an exception related, not suggested: a duplicate payment names the invoice already settled', async () => {
    const db = await fixtureDb();
    const dir = mkdtempSync(join(tmpdir(), 'recon-dashboard-related-'));
    try {
      const vi = readFileSync((await writeReport(db, { period: '2026-01', lang: 'vi', outDir: join(dir, 'vi') })).dashboardPath, 'utf8');
      const en = readFileSync((await writeReport(db, { period: '2026-01', lang: 'en', outDir: join(dir, 'en') })).dashboardPath, 'utf8');
      expect(vi).toContain('<th>Hóa đơn liên quan</th>');
      expect(vi).toContain('với thanh toán trùng, hóa đơn đã được các khoản thanh toán trước tất toán (cần hoàn tiền)');
      expect(en).toContain('<th>Related invoice</th>');
      expect(`${vi}${en}`).not.toMatch(/Hóa đơn gợi ý|Suggested invoice/);
      // The scorecard's note: files of the period (not every file received), and what a blank T+n means.
      expect(en).toContain('Files: the partner&#39;s files of the period (as in Data quality). T+n: settlement date minus paid date; —: the partner&#39;s files state no settlement date.');
    } finally {
      db.close();
    }
  });

  it('names a customer without any invoice apart from one whose invoices are settled (refund due)', () => {
    // no_open_invoice is rule 10's "the customer has no invoice" (a deposit before the first bill);
    // "no open invoice left" is duplicate_payment's. Before, both read so in either language.
    expect(['vi', 'en'].map((lang) => translator(lang as 'vi' | 'en').reason('no_open_invoice'))).toEqual(['Khách hàng chưa có hóa đơn', 'Customer has no invoice']);
  });

  it('names each chart for screen readers by its title in the reader\'s language, without vega\'s English descriptions', async () => {
    const db = await fixtureDb();
    const dir = mkdtempSync(join(tmpdir(), 'recon-dashboard-aria-'));
    try {
      const report = await writeReport(db, { period: '2026-01', lang: 'vi', outDir: dir });
      expect(report.charts.length).toBe(6);
      for (const chart of report.charts) {
        const svg = readFileSync(chart.path, 'utf8');
        expect(svg).toMatch(/^<svg role="img" aria-label="[^"]+"/);
        expect(svg).not.toMatch(/aria-roledescription|X-axis|Y-axis|linear scale|mark container/);
      }
      expect(readFileSync(report.charts[0]!.path, 'utf8')).toMatch(/^<svg role="img" aria-label="Tỷ lệ thu theo tổng công ty điện lực"/);
      const html = readFileSync(report.dashboardPath, 'utf8');
      expect(html).not.toMatch(/X-axis titled|for a (linear|band) scale/);
    } finally {
      db.close();
    }
  });
});

describe('report folder', () => {
  it('leaves no chart of an earlier report that this one no longer draws', async () => {
    const db = await fixtureDb();
    const dir = mkdtempSync(join(tmpdir(), 'recon-dashboard-stale-'));
    try {
      const first = await writeReport(db, { period: '2026-01', outDir: dir });
      expect(first.charts.map((c) => c.id)).toContain('exceptions-age');
      // An auditor closes every exception; the report of the same period is written again.
      await db.run("UPDATE exceptions SET status = 'dismissed'");
      const again = await writeReport(db, { period: '2026-01', outDir: dir });
      expect(again.charts.map((c) => c.id)).not.toContain('exceptions-age');
      // Before, chart-exceptions-age.svg of the first report stayed beside the new kpis.json.
      expect(existsSync(join(dir, 'chart-exceptions-age.svg'))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.startsWith('chart-')).sort()).toEqual(again.charts.map((c) => `chart-${c.id}.svg`).sort());
    } finally {
      db.close();
    }
  });

  it('leaves no twin dashboard of an earlier report, when the language of the report changes', async () => {
    const db = await fixtureDb();
    const dir = mkdtempSync(join(tmpdir(), 'recon-dashboard-twin-'));
    try {
      const vi = await writeReport(db, { period: '2026-01', lang: 'vi', twins: ['en'], outDir: dir });
      expect(vi.twinPaths).toEqual([join(dir, 'dashboard.en.html')]);
      // Written again in English: dashboard.html is English now and its twin dashboard.vi.html.
      // Before, the English twin of the first report stayed beside them with that report's figures.
      await db.run("UPDATE exceptions SET status = 'dismissed'");
      const en = await writeReport(db, { period: '2026-01', lang: 'en', twins: ['vi'], outDir: dir });
      expect(en.twinPaths).toEqual([join(dir, 'dashboard.vi.html')]);
      expect(readdirSync(dir).filter((f) => f.startsWith('dashboard')).sort()).toEqual(['dashboard.html', 'dashboard.vi.html']);
      // A report asked for no twin leaves none of an earlier one either.
      await writeReport(db, { period: '2026-01', lang: 'vi', outDir: dir });
      expect(readdirSync(dir).filter((f) => f.startsWith('dashboard'))).toEqual(['dashboard.html']);
    } finally {
      db.close();
    }
  });
});

describe('English counts', () => {
  it('take the singular for one (a period of one invoice, one unit); before, "1 invoices", "1 units in the period"', () => {
    const en = translator('en');
    expect(en.t('invoicesCount', { n: '1' })).toBe('1 invoice');
    expect(en.t('invoicesCount', { n: '1,234' })).toBe('1,234 invoices');
    expect(en.t('invoicesSettled', { n: '0', total: '1' })).toBe('0 of 1 invoice');
    expect(en.t('invoicesSettled', { n: '1', total: '2' })).toBe('1 of 2 invoices');
    expect(en.t('customersCount', { n: '0', total: '0' })).toBe('0 of 0 customers');
    expect(en.t('customersCount', { n: '1', total: '1' })).toBe('1 of 1 customer');
    expect(en.t('byUnitNote', { n: '1' })).toBe('Ranked by collection rate by amount; 1 unit in the period.');
    expect(en.t('days', { n: '1' })).toBe('1 day');
    const vi = translator('vi');
    expect(vi.t('invoicesSettled', { n: '0', total: '1' })).toBe('0 / 1 hóa đơn');
    expect(vi.t('byUnitNote', { n: '1' })).toBe('Xếp theo tỷ lệ thu theo số tiền; 1 điện lực trong kỳ.');
  });
});

describe('a month without payments', () => {
  it('says the partner scorecard has none, instead of a table header over no rows', async () => {
    const { openDb, load, match } = await import('../match/fixture.ts');
    const db = await openDb();
    const dir = mkdtempSync(join(tmpdir(), 'recon-dashboard-empty-'));
    try {
      await load(db, { customers: ['PE0100000001'], invoices: [{ no: 'E1', customer: 'PE0100000001', amount: 100, period: '2026-01' }], payments: [] });
      await match(db);
      for (const [lang, none] of [['vi', 'Không có'], ['en', 'None']] as const) {
        const page = readFileSync((await writeReport(db, { period: '2026-01', lang, outDir: join(dir, lang) })).dashboardPath, 'utf8');
        const partners = page.slice(page.indexOf('<section id="partners">'), page.indexOf('</section>', page.indexOf('<section id="partners">')));
        expect(partners).toContain(`<p>${none}</p>`);
        expect(partners).not.toContain('<table');
      }
    } finally {
      db.close();
    }
  });
});
