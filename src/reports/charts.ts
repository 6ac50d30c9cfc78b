// The dashboard's charts: vega-lite specs over aggregated rows, rendered on the server to SVG
// with vega's headless View (no canvas, no browser), so the HTML needs no script at all.
// Every label is pre-formatted by format.ts; vega only draws.
import type { TopLevelSpec } from 'vega-lite';
import { CHANNEL_GROUPS } from '../ingest/profile.ts';
import { formatPercent, formatPeriod, vegaNumberLocale } from './format.ts';
import { escapeHtml } from './html.ts';
import { AGE_BUCKETS, type Translator } from './i18n.ts';
import type { AreaKpis, ReportKpis } from './kpis.ts';

export interface Chart {
  /** File name stem: chart-<id>.svg. */
  id: (typeof CHART_IDS)[number];
  title: string;
  svg: string;
  /** The vega mark class every rendered copy of this chart must contain (checked by the browser test). */
  mark: 'mark-rect' | 'mark-line' | 'mark-symbol';
}

/** How many units the best and worst lists show. */
export const UNITS_SHOWN = 10;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif';
const BLUE = '#0b5cab';
const ORANGE = '#e8710a';
const WIDTH = 380;

/** Every chart a report can draw, in dashboard order (file chart-<id>.svg). */
export const CHART_IDS = ['collection-by-pc', 'units-best', 'units-worst', 'channel-share', 'cashless-trend', 'exceptions-age'] as const;

/** Renders every chart of the report whose data is not empty, in dashboard order. */
export async function renderCharts(k: ReportKpis, tr: Translator): Promise<Chart[]> {
  const units = rankedUnits(k.by_unit);
  const specs: Array<Omit<Chart, 'svg'> & { spec: TopLevelSpec; rows: number }> = [
    { id: 'collection-by-pc', title: tr.t('byPc'), mark: 'mark-rect', rows: k.by_pc.length, spec: rateBars(k.by_pc.map((a) => areaBar(a, a.pc, tr)), tr) },
    { id: 'units-best', title: tr.t('byUnitBest'), mark: 'mark-rect', rows: units.length, spec: rateBars(units.slice(0, UNITS_SHOWN).map((a) => areaBar(a, a.unit, tr)), tr) },
    {
      id: 'units-worst',
      title: tr.t('byUnitWorst'),
      mark: 'mark-rect',
      rows: units.length,
      spec: rateBars(units.slice(-UNITS_SHOWN).reverse().map((a) => areaBar(a, a.unit, tr)), tr),
    },
    { id: 'channel-share', title: tr.t('channelShareChart'), mark: 'mark-rect', rows: k.headline.counts.invoices_with_allocation, spec: channelShare(k, tr) },
    { id: 'cashless-trend', title: tr.t('cashlessTrend'), mark: 'mark-symbol', rows: k.cashless_trend.length, spec: cashlessTrend(k, tr) },
    { id: 'exceptions-age', title: tr.t('exceptionsChart'), mark: 'mark-rect', rows: k.exceptions.by_reason_age.length, spec: exceptionAging(k, tr) },
  ];
  const charts: Chart[] = [];
  for (const { spec, rows, ...c } of specs) {
    if (rows > 0) charts.push({ ...c, svg: await toSvg(spec, tr, c.title) });
  }
  return charts;
}

/** Units with invoices, best collection rate first (ties: more billed first, then code). */
export function rankedUnits(units: AreaKpis[]): AreaKpis[] {
  return units
    .filter((u) => u.collection_rate_amount !== null)
    .sort((a, b) => b.collection_rate_amount! - a.collection_rate_amount! || b.invoiced_vnd - a.invoiced_vnd || String(a.unit).localeCompare(String(b.unit)));
}

interface Bar {
  label: string;
  value: number;
  text: string;
}

function areaBar(a: AreaKpis, name: string | null, tr: Translator): Bar {
  return { label: name ?? tr.t('unknownArea'), value: a.collection_rate_amount ?? 0, text: formatPercent(a.collection_rate_amount, tr.lang) };
}

/** Horizontal bars of a rate in [0, 1], in the given order, each labelled with its value. */
function rateBars(bars: Bar[], tr: Translator): TopLevelSpec {
  return {
    width: WIDTH,
    height: { step: 22 },
    data: { values: bars },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null },
      x: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%', title: tr.t('rateAmount') } },
    },
    // The value sits inside a long bar and just after a short one, so it never covers the axis.
    layer: [
      { mark: { type: 'bar', color: BLUE } },
      { transform: [{ filter: 'datum.value >= 0.25' }], mark: { type: 'text', align: 'right', dx: -4, color: 'white', fontWeight: 'bold' }, encoding: { text: { field: 'text' } } },
      { transform: [{ filter: 'datum.value < 0.25' }], mark: { type: 'text', align: 'left', dx: 4, color: '#333' }, encoding: { text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}

function channelShare(k: ReportKpis, tr: Translator): TopLevelSpec {
  const r = k.headline.ratios;
  const rows = CHANNEL_GROUPS.flatMap((g) => [
    { group: tr.group(g), measure: tr.t('shareInvoices'), value: r.channel_share_invoices[g] ?? 0, text: formatPercent(r.channel_share_invoices[g], tr.lang) },
    { group: tr.group(g), measure: tr.t('shareAmount'), value: r.channel_share_amount[g] ?? 0, text: formatPercent(r.channel_share_amount[g], tr.lang) },
  ]);
  const measures = [tr.t('shareInvoices'), tr.t('shareAmount')];
  return {
    width: WIDTH,
    height: { step: 18 },
    data: { values: rows },
    encoding: {
      y: { field: 'group', type: 'nominal', sort: null, title: null, axis: { labelLimit: 400 } },
      yOffset: { field: 'measure', type: 'nominal', sort: measures },
      x: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%', title: tr.t('share') } },
      color: { field: 'measure', type: 'nominal', sort: measures, scale: { range: [BLUE, ORANGE] }, legend: { title: null, orient: 'bottom', direction: 'vertical' } },
    },
    layer: [{ mark: 'bar' }, { mark: { type: 'text', align: 'left', dx: 4, color: '#333' }, encoding: { text: { field: 'text' }, color: { value: '#333' } } }],
  } as TopLevelSpec;
}

function cashlessTrend(k: ReportKpis, tr: Translator): TopLevelSpec {
  const measures = [tr.t('cashlessShareCustomers'), tr.t('cashlessShareAmount')];
  const rows = k.cashless_trend.flatMap((p) => [
    { period: formatPeriod(p.period, tr.lang), order: p.period, measure: measures[0], value: p.cashless_share_customers, text: formatPercent(p.cashless_share_customers, tr.lang, 1) },
    { period: formatPeriod(p.period, tr.lang), order: p.period, measure: measures[1], value: p.cashless_share_amount, text: formatPercent(p.cashless_share_amount, tr.lang, 1) },
  ]).filter((row) => row.value !== null);
  return {
    width: WIDTH,
    height: 220,
    data: { values: rows },
    encoding: {
      x: { field: 'period', type: 'ordinal', sort: { field: 'order' }, title: tr.t('period'), axis: { labelAngle: 0 } },
      y: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%', title: null } },
      color: { field: 'measure', type: 'nominal', sort: measures, scale: { range: [BLUE, ORANGE] }, legend: { title: null, orient: 'bottom', direction: 'vertical' } },
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 2 } },
      { mark: { type: 'point', filled: true, size: 60 } },
      { mark: { type: 'text', dy: -10 }, encoding: { text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}

function exceptionAging(k: ReportKpis, tr: Translator): TopLevelSpec {
  const buckets = AGE_BUCKETS.map((b) => tr.ageBucket(b));
  const rows = k.exceptions.by_reason_age.map((e) => ({ reason: tr.reason(e.reason), age: tr.ageBucket(e.age_bucket), exceptions: e.exceptions }));
  return {
    width: WIDTH,
    height: { step: 24 },
    data: { values: rows },
    mark: 'bar',
    encoding: {
      y: { field: 'reason', type: 'nominal', title: null, sort: '-x', axis: { labelLimit: 400 } },
      x: { field: 'exceptions', type: 'quantitative', aggregate: 'sum', title: tr.t('count'), axis: { tickMinStep: 1 } },
      color: {
        field: 'age',
        type: 'ordinal',
        sort: buckets,
        scale: { domain: buckets, range: ['#fdd49e', '#fc8d59', '#d7301f', '#7f0000'] },
        legend: { title: tr.t('age'), orient: 'bottom' },
      },
      order: { field: 'age', sort: 'ascending' },
    },
  } as TopLevelSpec;
}

/**
 * The chart as SVG. Vega's own accessibility text is English ("X-axis titled … for a linear
 * scale"), so it is switched off and the chart is described by its title in the reader's language.
 */
async function toSvg(spec: TopLevelSpec, tr: Translator, title: string): Promise<string> {
  const full = {
    ...spec,
    background: 'white',
    config: {
      aria: false,
      font: FONT,
      locale: { number: vegaNumberLocale(tr.lang) },
      view: { stroke: null },
      axis: { labelLimit: 260, labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#555', labelColor: '#333', gridColor: '#eee' },
      legend: { labelFontSize: 12, labelLimit: 400 },
      text: { fontSize: 12 },
    },
  } as unknown as TopLevelSpec;
  // vega and vega-lite load on the first chart, so commands that draw none start without them.
  const [{ compile }, { parse, View }] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new View(parse(compile(full).spec), { renderer: 'none' });
  try {
    // The picture is named by its title; vega's English role descriptions of its parts are dropped.
    const svg = (await view.toSVG()).replace(/ aria-roledescription="[^"]*"/g, '');
    return svg.replace('<svg ', `<svg role="img" aria-label="${escapeHtml(title)}" `);
  } finally {
    view.finalize();
  }
}

