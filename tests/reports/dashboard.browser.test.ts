// The dashboard in a real browser: opened from disk with the network cut, every chart drawn,
// no console error, no request leaving the page, partner text shown as text. Saves screenshots
// to out/screenshots/ for a human look.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/db/database.ts';
import type { Lang } from '../../src/reports/format.ts';
import { writeReport, type ReportResult } from '../../src/reports/index.ts';
import { ensureChromium, launchOffline } from '../support/chromium.ts';
import { sampleClose } from '../support/sample-close.ts';
import { fixtureDb, XSS_MEMO } from './fixture.ts';

const reports = new Map<Lang, ReportResult>();
let browser: BrowserContext;

beforeAll(async () => {
  ensureChromium();
  const db = await fixtureDb();
  const dir = mkdtempSync(join(tmpdir(), 'recon-dashboard-'));
  for (const lang of ['vi', 'en'] as const) reports.set(lang, await writeReport(db, { period: '2026-01', lang, outDir: join(dir, lang) }));
  db.close();
  browser = await launchOffline();
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(['vi', 'en'] as const)('dashboard.html (%s) in headless Chromium', (lang) => {
  it('renders every chart offline, without errors, requests or markup from partner text', async () => {
    const report = reports.get(lang)!;
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    let dialogs = 0;
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(report.dashboardPath).href, { waitUntil: 'load' });

    expect(report.charts.map((c) => c.id)).toEqual(['collection-by-pc', 'units-best', 'units-worst', 'channel-share', 'cashless-trend', 'exceptions-age']);
    for (const chart of report.charts) {
      const marks = await page.locator(`#chart-${chart.id} svg .${chart.mark} > *`).count();
      expect(marks, `${chart.id}: ${chart.mark}`).toBeGreaterThan(0);
    }
    // The memo and the partner name are text in their cells; no element was made from them.
    await expect(page.locator('td.memo').first().textContent()).resolves.toBe(XSS_MEMO);
    expect(await page.locator('img, b, script').count()).toBe(0);
    // Nothing on the page could load anything: no element with a source or link.
    expect(await page.locator('[src], [href], link, iframe, object, embed').count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);

    const shots = join(PROJECT_ROOT, 'out', 'screenshots');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `dashboard-${lang}.png`), fullPage: true });
    await page.close();
  });
});

describe('dashboard.html content', () => {
  it('formats numbers and dates the Vietnamese way by default', () => {
    const vi = readFileSync(reports.get('vi')!.dashboardPath, 'utf8');
    for (const s of ['62,86 %', '660.000 ₫', '1.050.000 ₫', '28/02/2026', 'Tỷ lệ thu theo số tiền', '-37,14 điểm %']) expect(vi).toContain(s);
  });

  it('formats numbers the English way with --lang en, with no Vietnamese label left', () => {
    const en = readFileSync(reports.get('en')!.dashboardPath, 'utf8');
    for (const s of ['62.86%', '660,000 VND', '2026-02-28', 'Collection rate by amount', '-37.14 pp']) expect(en).toContain(s);
    // Only partner and customer data may carry Vietnamese letters in the English dashboard.
    const data = ['Đại lý &lt;b&gt;Hoà Bình&lt;/b&gt;', 'Quầy EVNHANOI', 'CK tiền điện'];
    const labels = data.reduce((text, d) => text.replaceAll(d, ''), en);
    expect(labels.match(/[^\x00-\x7f₫—–▲▼■…]/g) ?? []).toEqual([]);
  });

  it('is self-contained and small: no script, no stylesheet or font to fetch', () => {
    const html = readFileSync(reports.get('vi')!.dashboardPath, 'utf8');
    expect(html).not.toMatch(/<script|<link|url\(|@import/i);
    expect(html.length).toBeLessThan(300_000);
  });
});

describe('dashboard.html of the sample close at a laptop width and on paper', () => {
  // Every column of every table must be on screen at 1366 px and on the printed page: a scroll box
  // clips on paper (the partner scorecard lost its rates, the largest exceptions their memo), and at
  // a laptop width it hides columns behind a scroll bar (the English PC table's rate by invoices).
  // Print is laid out at the printable width of A4 landscape (the page's @page size) and portrait.
  const layouts = [
    { media: 'screen', width: 1366, height: 768 },
    { media: 'print', width: 1047, height: 740 },
    { media: 'print', width: 718, height: 1047 },
  ] as const;
  it.each(['dashboardPath', 'twinDashboardPath'] as const)('%s: no table or section is wider than its box', async (which) => {
    const close = await sampleClose();
    for (const { media, width, height } of layouts) {
      const page = await browser.newPage();
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ media });
      await page.goto(pathToFileURL(close.result[which]).href, { waitUntil: 'load' });
      const overflowing = await page.evaluate(() =>
        [...document.querySelectorAll('section, .scroll, .grid > *')]
          .filter((e) => e.scrollWidth > e.clientWidth + 1)
          .map((e) => `${e.closest('section')?.id} ${e.className || e.tagName}: ${e.scrollWidth} > ${e.clientWidth}`),
      );
      const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.close();
      expect({ media, width, overflowing, pageWidth }).toEqual({ media, width, overflowing: [], pageWidth: width });
    }
  });
});
