// The dashboard: one self-contained HTML file (inline CSS and server-rendered SVG, no script, no
// network), built from the computed kpis.json document and its charts. A Content-Security-Policy
// forbids scripts and remote loads as a second line of defence behind escaping.
import type { ChannelGroup } from '../ingest/profile.ts';
import { CHANNEL_GROUPS } from '../ingest/profile.ts';
import type { Chart } from './charts.ts';
import { rankedUnits } from './charts.ts';
import { formatCount, formatDate, formatMoney, formatPercent, formatPeriod, formatPoints } from './format.ts';
import { html, trusted, type SafeHtml } from './html.ts';
import type { Translator } from './i18n.ts';
import type { AreaKpis, ReportKpis } from './kpis.ts';
import { partnerWindowEnd, type KpiRatios } from './kpi-shape.ts';

/** Renders dashboard.html. */
export function renderDashboard(k: ReportKpis, charts: Chart[], tr: Translator): string {
  const { lang } = tr;
  const chart = (id: string): SafeHtml | false => {
    const c = charts.find((x) => x.id === id);
    return !!c && html`<figure class="chart" id="chart-${c.id}"><figcaption>${c.title}</figcaption>${trusted(c.svg)}</figure>`;
  };
  const title = `${tr.t('title')} — ${tr.t('periodLabel').toLowerCase()} ${formatPeriod(k.period, lang)}`;
  const doc = html`<!doctype html>
<html lang="${tr.t('htmlLang')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<header>
<h1>${tr.t('title')} <span class="period">${tr.t('periodLabel')} ${formatPeriod(k.period, lang)}</span></h1>
<p class="note">${tr.t('asOfNote', { date: formatDate(k.as_of, lang) })}</p>
</header>
<main>
${headline(k, tr)}
<section id="areas">
<h2>${tr.t('byPc')}</h2>
<div class="grid split">${chart('collection-by-pc')}${areaTable(k.by_pc, 'pc', tr)}</div>
<div class="grid">${chart('units-best')}${chart('units-worst')}</div>
<p class="note">${tr.t('byUnitNote', { n: formatCount(rankedUnits(k.by_unit).length, lang) })}</p>
</section>
${channels(k, tr, chart('channel-share'))}
<section id="cashless">
<h2>${tr.t('cashless')}</h2>
${chart('cashless-trend')}<p class="note">${tr.t('cashlessNote')}</p>
</section>
${scorecard(k, tr)}
${exceptions(k, tr, chart('exceptions-age'))}
${dataQuality(k, tr)}
</main>
<footer><p class="note">${tr.t('footer', { version: String(k.schema_version) })}</p></footer>
</body>
</html>
`;
  return doc.value;
}

function headline(k: ReportKpis, tr: Translator): SafeHtml {
  const { lang } = tr;
  const c = k.headline.counts;
  const r = k.headline.ratios;
  const prev = k.previous;
  const delta = (key: keyof Pick<KpiRatios, 'collection_rate_amount' | 'collection_rate_count' | 'cashless_share_amount' | 'cashless_share_customers'>) => {
    const now = r[key];
    const before = prev?.ratios[key] ?? null;
    if (!prev || now === null || before === null) return html`<div class="delta">${tr.t('noPrevious')}</div>`;
    const d = now - before;
    const dir = Math.round(d * 10_000) === 0 ? 'flat' : d > 0 ? 'up' : 'down';
    const arrow = { up: '▲', down: '▼', flat: '■' }[dir];
    return html`<div class="delta ${dir}">${arrow} ${formatPoints(d, lang)} ${tr.t('vsPrevious', { period: formatPeriod(prev.period, lang) })}</div>`;
  };
  const tile = (label: string, value: string, sub: string, change: SafeHtml | false, id: string) =>
    html`<div class="tile" id="kpi-${id}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div>${change}</div>`;
  return html`<section id="headline"><h2>${tr.t('headline')}</h2><div class="tiles">
${tile(tr.t('collectionRateAmount'), formatPercent(r.collection_rate_amount, lang), tr.t('ofInvoiced', { amount: formatMoney(c.invoiced_vnd, lang) }), delta('collection_rate_amount'), 'collection-rate-amount')}
${tile(tr.t('collectionRateCount'), formatPercent(r.collection_rate_count, lang), tr.t('invoicesSettled', { n: formatCount(c.invoices_settled, lang), total: formatCount(c.invoices, lang) }), delta('collection_rate_count'), 'collection-rate-count')}
${tile(tr.t('collected'), formatMoney(c.allocated_vnd, lang), tr.t('ofInvoiced', { amount: formatMoney(c.invoiced_vnd, lang) }), false, 'collected')}
${tile(tr.t('cashlessShareAmount'), formatPercent(r.cashless_share_amount, lang), formatMoney(c.cashless_allocated_vnd, lang), delta('cashless_share_amount'), 'cashless-amount')}
${tile(tr.t('cashlessShareCustomers'), formatPercent(r.cashless_share_customers, lang), tr.t('customersCount', { n: formatCount(c.customers_all_cashless, lang), total: formatCount(c.customers_with_allocation, lang) }), delta('cashless_share_customers'), 'cashless-customers')}
${tile(tr.t('invoiced'), formatMoney(c.invoiced_vnd, lang), tr.t('invoicesCount', { n: formatCount(c.invoices, lang) }), false, 'invoiced')}
</div></section>`;
}

function areaTable(rows: AreaKpis[], level: 'pc' | 'unit', tr: Translator): SafeHtml {
  const { lang } = tr;
  return html`<div class="scroll"><table><thead><tr><th>${tr.t(level)}</th><th class="num">${tr.t('invoices')}</th><th class="num">${tr.t('invoicedVnd')}</th><th class="num">${tr.t('allocatedVnd')}</th><th class="num">${tr.t('rateAmount')}</th><th class="num">${tr.t('rateCount')}</th></tr></thead><tbody>
${rows.map((a) => html`<tr><td>${a[level] ?? tr.t('unknownArea')}</td><td class="num">${formatCount(a.invoices, lang)}</td><td class="num">${formatMoney(a.invoiced_vnd, lang)}</td><td class="num">${formatMoney(a.allocated_vnd, lang)}</td><td class="num">${formatPercent(a.collection_rate_amount, lang)}</td><td class="num">${formatPercent(a.collection_rate_count, lang)}</td></tr>\n`)}
</tbody></table></div>`;
}

function channels(k: ReportKpis, tr: Translator, chart: SafeHtml | false): SafeHtml {
  const { lang } = tr;
  const c = k.headline.counts;
  const r = k.headline.ratios;
  const row = (g: ChannelGroup) =>
    html`<tr><td>${tr.group(g)}</td><td class="num">${formatCount(c.invoices_by_group[g], lang)}</td><td class="num">${formatPercent(r.channel_share_invoices[g], lang)}</td><td class="num">${formatMoney(c.allocated_vnd_by_group[g], lang)}</td><td class="num">${formatPercent(r.channel_share_amount[g], lang)}</td><td class="num">${formatCount(c.customers_by_group[g], lang)}</td></tr>\n`;
  return html`<section id="channels"><h2>${tr.t('channels')}</h2><div class="grid">${chart}
<table><thead><tr><th>${tr.t('channelGroup')}</th><th class="num">${tr.t('invoices')}</th><th class="num">${tr.t('shareInvoices')}</th><th class="num">${tr.t('amount')}</th><th class="num">${tr.t('shareAmount')}</th><th class="num">${tr.t('customers')}</th></tr></thead><tbody>
${CHANNEL_GROUPS.map(row)}</tbody></table></div>
<p class="note">${tr.t('channelNote')}</p></section>`;
}

function scorecard(k: ReportKpis, tr: Translator): SafeHtml {
  const { lang } = tr;
  const days = (n: number | null) => (n === null ? '—' : `T+${n}`);
  return html`<section id="partners"><h2>${tr.t('partners')}</h2>
${k.partner_scorecard.length === 0 ? html`<p>${tr.t('none')}</p>
` : html`<div class="scroll"><table class="wide"><thead><tr><th>${tr.t('partner')}</th><th>${tr.t('channelGroup')}</th><th class="num">${tr.t('payments')}</th><th class="num">${tr.t('amount')}</th><th class="num">${tr.t('allocatedToPeriod')}</th><th class="num">${tr.t('lagMedian')}</th><th class="num">${tr.t('lagP95')}</th><th class="num">${tr.t('unmatchedRate')}</th><th class="num">${tr.t('rejectRate')}</th><th class="num">${tr.t('duplicateRate')}</th></tr></thead><tbody>
${k.partner_scorecard.map((p) => html`<tr><td>${p.name} <span class="code">${p.partner_id}</span></td><td>${tr.group(p.channel_group)}</td><td class="num">${formatCount(p.payments, lang)}</td><td class="num">${formatMoney(p.amount_vnd, lang)}</td><td class="num">${formatMoney(p.allocated_to_period_vnd, lang)}</td><td class="num">${days(p.lag_median_days)}</td><td class="num">${days(p.lag_p95_days)}</td><td class="num">${formatPercent(p.unmatched_rate, lang)}</td><td class="num">${formatPercent(p.reject_rate, lang)}</td><td class="num">${formatPercent(p.duplicate_rate, lang)}</td></tr>\n`)}
</tbody></table></div>
`}<p class="note">${tr.t('partnersNote', { month: formatPeriod(k.period, lang), date: formatDate(partnerWindowEnd(k.period, k.as_of), lang) })}</p></section>`;
}

function exceptions(k: ReportKpis, tr: Translator, chart: SafeHtml | false): SafeHtml {
  const { lang } = tr;
  const largest = k.exceptions.largest;
  return html`<section id="exceptions"><h2>${tr.t('exceptions')}</h2>
${largest.length === 0 ? html`<p>${tr.t('noExceptions')}</p>` : html`${chart}<p class="note">${tr.t('exceptionsNote', { date: formatDate(k.as_of, lang) })}</p>
<h3>${tr.t('largestExceptions')}</h3>
<div class="scroll"><table class="wide"><thead><tr><th>${tr.t('partner')}</th><th>${tr.t('txnRef')}</th><th>${tr.t('reason')}</th><th class="num">${tr.t('amount')}</th><th>${tr.t('paidOn')}</th><th class="num">${tr.t('age')}</th><th>${tr.t('customerCode')}</th><th>${tr.t('relatedInvoice')}</th><th>${tr.t('memo')}</th></tr></thead><tbody>
${largest.map((e) => html`<tr><td>${e.partner_name ?? e.partner_id}</td><td class="code">${e.txn_ref}</td><td>${tr.reason(e.reason)}</td><td class="num">${formatMoney(e.amount_vnd, lang)}</td><td class="date">${formatDate(e.paid_on, lang)}</td><td class="num">${formatCount(e.age_days, lang)}</td><td class="code">${e.customer_code}</td><td class="code">${e.suggested_invoice_no}</td><td class="memo">${e.memo}</td></tr>\n`)}
</tbody></table></div><p class="note">${tr.t('relatedInvoiceNote')}</p>`}
</section>`;
}

function dataQuality(k: ReportKpis, tr: Translator): SafeHtml {
  const { lang } = tr;
  const q = k.data_quality;
  const stat = (label: string, value: string, warn: boolean) => html`<div class="stat${warn ? ' warn' : ''}"><div class="value">${value}</div><div class="label">${label}</div></div>`;
  return html`<section id="data-quality"><h2>${tr.t('dataQuality')}</h2><div class="stats">
${stat(tr.t('filesLoaded'), formatCount(q.files_loaded, lang), false)}
${stat(tr.t('filesQuarantined'), formatCount(q.files_quarantined, lang), q.files_quarantined > 0)}
${stat(tr.t('filesSkipped'), formatCount(q.files_skipped_duplicate, lang), false)}
${stat(tr.t('filesNotRead'), formatCount(q.files_failed + q.files_unrecognised, lang), q.files_failed + q.files_unrecognised > 0)}
${stat(tr.t('controlMismatches'), formatCount(q.control_mismatches, lang), q.control_mismatches > 0)}
${stat(tr.t('recordsRead'), formatCount(q.records_read, lang), false)}
${stat(tr.t('recordsRejected'), formatCount(q.records_rejected, lang), q.records_rejected > 0)}
${stat(tr.t('recordsDuplicate'), formatCount(q.records_duplicate, lang), false)}
${stat(tr.t('recordsQuarantined'), formatCount(q.records_quarantined, lang), q.records_quarantined > 0)}
${stat(tr.t('rejectedAmount'), formatMoney(q.rejected_amount_vnd, lang), q.rejected_amount_vnd > 0)}
</div>
<h3>${tr.t('rejectReasons')}</h3>
${q.rejects_by_reason.length === 0 ? html`<p>${tr.t('none')}</p>` : html`<table><thead><tr><th>${tr.t('reason')}</th><th class="num">${tr.t('records')}</th></tr></thead><tbody>
${q.rejects_by_reason.map((r) => html`<tr><td title="${r.reason}">${tr.rejectReason(r.reason)}</td><td class="num">${formatCount(r.records, lang)}</td></tr>\n`)}</tbody></table>`}
<p class="note">${tr.t('dataQualityNote')}</p></section>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif;color:#1d2733;background:#f3f5f8}
header{background:#0b3d75;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:24px;font-weight:600}
header .period{font-weight:400;opacity:.85;margin-left:12px;font-size:18px}
header .note{color:#d6e4f5;margin:4px 0 0}
main{max-width:1240px;margin:0 auto;padding:8px 24px 24px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:16px 20px;margin:16px 0}
h2{margin:0 0 12px;font-size:18px;color:#0b3d75}
h3{font-size:15px;margin:16px 0 8px}
.tiles{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
.tile{border:1px solid #e3e8ef;border-radius:8px;padding:12px 16px}
.tile .label{color:#4a5868;font-size:13px}
.tile .value{font-size:30px;font-weight:700;color:#0b3d75;white-space:nowrap}
.tile .sub{color:#4a5868;font-size:13px}
.delta{font-size:13px;margin-top:4px;color:#4a5868}
.delta.up{color:#137333}.delta.down{color:#c5221f}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:16px;align-items:start}
.grid>*{min-width:0}
.grid.split{grid-template-columns:max-content minmax(0,1fr)}
figure.chart{margin:0}
figure.chart figcaption{font-weight:600;margin-bottom:4px}
figure.chart svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid #e8ecf1;text-align:left;vertical-align:top}
th{background:#f6f8fb;color:#4a5868;font-weight:600}
td.num{text-align:right;white-space:nowrap}
th.num{text-align:right}
td.date{white-space:nowrap}
.scroll{overflow-x:auto}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;color:#4a5868}
td.memo{max-width:260px;overflow-wrap:anywhere;font-size:12px}
.stats{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}
.stat{border:1px solid #e3e8ef;border-radius:8px;padding:8px 12px}
.stat .value{font-size:20px;font-weight:700}
.stat.warn{border-color:#f2b8b5;background:#fdf1f0}
.stat.warn .value{color:#c5221f}
.note{color:#5b6776;font-size:12.5px}
footer{max-width:1240px;margin:0 auto;padding:0 24px 24px}
@media (max-width:1100px){.grid.split{grid-template-columns:minmax(0,1fr)}}
@media (max-width:800px){.tiles,.stats{grid-template-columns:1fr 1fr}}
@media print{
@page{size:A4 landscape;margin:10mm}
body{background:#fff}
header,th,.stat.warn{-webkit-print-color-adjust:exact;print-color-adjust:exact}
main,footer{max-width:none;padding:0}
section{box-shadow:none;border:1px solid #e3e8ef;margin:8px 0;padding:8px 10px}
.scroll{overflow:visible}
.tile .value{font-size:22px}
table{font-size:9.5px}
th,td{padding:3px 4px}
.code,td.memo{font-size:9.5px;overflow-wrap:anywhere}
td.memo{max-width:none}
figure.chart,tr,.tile,.stat{break-inside:avoid}
h2,h3{break-after:avoid}
}
`;
