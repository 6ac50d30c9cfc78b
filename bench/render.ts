// How the dashboard of a benchmark month fares in a browser: file size, and the time headless
// Chromium (Debian's) takes to load it from disk with no network and lay out every chart.
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ensureChromium, launchOffline } from '../tests/support/chromium.ts';

export interface RenderResult {
  bytes: number;
  load_ms: number;
  svg_charts: number;
}

export async function measureDashboard(path: string): Promise<RenderResult> {
  ensureChromium();
  const browser = await launchOffline();
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const t0 = performance.now();
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    // Layout of every chart is done once each SVG has a measurable box.
    const svgCharts = await page.evaluate(() => [...document.querySelectorAll('svg')].filter((s) => s.getBoundingClientRect().width > 0).length);
    const load_ms = Math.round(performance.now() - t0);
    return { bytes: statSync(path).size, load_ms, svg_charts: svgCharts };
  } finally {
    await browser.close();
  }
}
