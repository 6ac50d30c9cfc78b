// The partner registry of the synthetic month: 32 banks (real names and NAPAS BINs), 10
// intermediaries, retail-agent networks and the utility's counters per PC, each with its layout,
// its share of its channel and its settlement habit. profileOf() renders the partner's profile.
import type { ChannelGroup, Instrument, PartnerProfile } from '../ingest/profile.ts';
import type { Pc } from './codes.ts';
import {
  agentSemicolon, cp1258Csv, counterTab, enBankSemicolon, gatewayPipe, hdtPipe, roleOf, tabUtf16, vnBankCsv, walletCsv,
  type Layout,
} from './layouts.ts';

export interface Partner {
  id: string;
  name: string;
  group: ChannelGroup;
  bin?: string;
  /** Relative share within its channel group. */
  weight: number;
  defaultInstrument: Instrument;
  /** Non-cash instruments its customers use (cash at the counter needs an instrument column). */
  instruments: readonly Instrument[];
  /** Settlement lag T+n in business days. */
  lag: number;
  layout: Layout;
  /** The PC whose customers it serves (counters only). */
  pc?: Pc;
  /** Agent-id prefix (retail networks). */
  agentPrefix?: string;
}

const BANK_TRANSFER: Instrument[] = ['transfer', 'auto_debit', 'qr', 'card'];

type BankRow = [id: string, name: string, bin: string, weight: number, stem: string, layout: (stem: string) => Layout];

const A = (stem: string) => vnBankCsv({ stem });
const A2 = (stem: string) => vnBankCsv({ stem, delimiter: ';', encoding: 'utf-8', alt: true });
const B = (stem: string) => enBankSemicolon({ stem });
const B2 = (stem: string) => enBankSemicolon({ stem, delimiter: ',', alt: true });
const C = (stem: string) => hdtPipe({ stem });
const D = (stem: string) => tabUtf16({ stem });
const E = (stem: string) => cp1258Csv({ stem });

const BANKS: BankRow[] = [
  ['agribank', 'Agribank', '970405', 18, 'AGRIBANK', A],
  ['vietcombank', 'Vietcombank', '970436', 14, 'VCB', B],
  ['bidv', 'BIDV', '970418', 12, 'BIDV', C],
  ['vietinbank', 'VietinBank', '970415', 12, 'VTB', D],
  ['techcombank', 'Techcombank', '970407', 7, 'TCB', B2],
  ['mbbank', 'MB', '970422', 7, 'MB', A2],
  ['acb', 'ACB', '970416', 5, 'ACB', A],
  ['vpbank', 'VPBank', '970432', 5, 'VPB', B],
  ['sacombank', 'Sacombank', '970403', 4, 'STB', E],
  ['tpbank', 'TPBank', '970423', 3, 'TPB', C],
  ['hdbank', 'HDBank', '970437', 2, 'HDB', D],
  ['vib', 'VIB', '970441', 2, 'VIB', B2],
  ['shb', 'SHB', '970443', 2, 'SHB', A2],
  ['msb', 'MSB', '970426', 1.5, 'MSB', B],
  ['seabank', 'SeABank', '970440', 1.2, 'SEAB', A],
  ['ocb', 'OCB', '970448', 1, 'OCB', C],
  ['eximbank', 'Eximbank', '970431', 1, 'EIB', E],
  ['lpbank', 'LPBank', '970449', 1.5, 'LPB', D],
  ['abbank', 'ABBANK', '970425', 0.6, 'ABB', A2],
  ['bacabank', 'BacABank', '970409', 0.6, 'BAB', B2],
  ['namabank', 'NamABank', '970428', 0.6, 'NAB', A],
  ['ncb', 'NCB', '970419', 0.4, 'NCB', C],
  ['pvcombank', 'PVcomBank', '970412', 0.5, 'PVCB', B],
  ['saigonbank', 'SaigonBank', '970400', 0.3, 'SGB', E],
  ['kienlongbank', 'KienLongBank', '970452', 0.4, 'KLB', (s) => hdtPipe({ stem: s, files: 'daily' })],
  ['vietabank', 'VietABank', '970427', 0.3, 'VAB', (s) => vnBankCsv({ stem: s, files: 'daily' })],
  ['vietbank', 'VietBank', '970433', 0.3, 'VBB', D],
  ['bvbank', 'BVBank', '970454', 0.4, 'BVB', A2],
  ['baovietbank', 'BaoVietBank', '970438', 0.3, 'BVBANK', B2],
  ['pgbank', 'PGBank', '970430', 0.3, 'PGB', C],
  ['coopbank', 'Co-opBank', '970446', 0.5, 'COOPBANK', E],
  ['shinhanbank', 'ShinhanBank', '970424', 0.8, 'SHBVN', B],
];

type IntermediaryRow = [id: string, name: string, weight: number, instrument: Instrument, layout: Layout];

const INTERMEDIARIES: IntermediaryRow[] = [
  ['momo', 'MoMo', 30, 'ewallet', walletCsv({ stem: 'MOMO', files: 'daily' })],
  ['zalopay', 'ZaloPay', 12, 'ewallet', walletCsv({ stem: 'ZALOPAY', alt: true })],
  ['vnpay', 'VNPAY', 18, 'qr', gatewayPipe({ stem: 'VNPAY' })],
  ['payoo', 'Payoo', 8, 'ewallet', gatewayPipe({ stem: 'PAYOO' })],
  ['ecpay', 'ECPay', 6, 'ewallet', gatewayPipe({ stem: 'ECPAY' })],
  ['viettelmoney', 'Viettel Money', 10, 'ewallet', walletCsv({ stem: 'VTMONEY', delimiter: ';' })],
  ['vnptmoney', 'VNPT Money', 4, 'ewallet', walletCsv({ stem: 'VNPTPAY', alt: true })],
  ['shopeepay', 'ShopeePay', 5, 'ewallet', walletCsv({ stem: 'SHOPEEPAY' })],
  ['napas', 'Napas', 4, 'card', gatewayPipe({ stem: 'NAPAS' })],
  ['dvcqg', 'Cổng Dịch vụ công quốc gia (PayGov)', 3, 'transfer', gatewayPipe({ stem: 'PAYGOV' })],
];

type RetailRow = [id: string, name: string, weight: number, agentPrefix: string, layout: Layout];

const RETAIL: RetailRow[] = [
  ['vnpost', 'Bưu điện Việt Nam (VNPost)', 40, 'BD', agentSemicolon({ stem: 'VNPOST', files: 'daily' })],
  ['viettelpost', 'Viettel Post', 25, 'VTP', agentSemicolon({ stem: 'VTPOST', encoding: 'windows-1258' })],
  ['mwg', 'Thế Giới Di Động', 20, 'TGDD', agentSemicolon({ stem: 'MWG' })],
  ['agent-coop', 'Đại lý thu hộ cá nhân', 15, 'DL', agentSemicolon({ stem: 'DAILY_THUHO' })],
];

const COUNTERS: Array<[Pc, string]> = [
  ['EVNNPC', 'Tổng công ty Điện lực miền Bắc'],
  ['EVNCPC', 'Tổng công ty Điện lực miền Trung'],
  ['EVNSPC', 'Tổng công ty Điện lực miền Nam'],
  ['EVNHANOI', 'Tổng công ty Điện lực TP Hà Nội'],
  ['EVNHCMC', 'Tổng công ty Điện lực TP Hồ Chí Minh'],
];

/** Every partner, in a fixed order (the order of the tables above). */
export const PARTNERS: readonly Partner[] = [
  ...BANKS.map(([id, name, bin, weight, stem, layout], i): Partner => ({
    id, name, group: 'bank', bin, weight, lag: i % 3 === 2 ? 2 : 1,
    layout: layout(stem),
    defaultInstrument: id === 'sacombank' || id === 'eximbank' || id === 'saigonbank' || id === 'coopbank' ? 'auto_debit' : 'transfer',
    instruments: BANK_TRANSFER,
  })),
  ...INTERMEDIARIES.map(([id, name, weight, instrument, layout], i): Partner => ({
    id, name, group: 'intermediary', weight, lag: i % 2, layout, defaultInstrument: instrument, instruments: [instrument],
  })),
  ...RETAIL.map(([id, name, weight, agentPrefix, layout], i): Partner => ({
    id, name, group: 'retail_agent', weight, lag: 2 + (i % 2), layout, agentPrefix, defaultInstrument: 'cash', instruments: ['cash'],
  })),
  ...COUNTERS.map(([pc, name]): Partner => ({
    id: `${pc.toLowerCase().replace('evn', 'evn-')}-counter`, name: `${name} - quầy thu`, group: 'evn_counter', weight: 1, lag: 0, pc,
    layout: counterTab({ stem: `${pc}_QUAY`, files: pc === 'EVNHANOI' ? 'daily' : 'period' }),
    defaultInstrument: 'cash', instruments: ['cash'],
  })),
];

/** Whether the partner's files can say "cash" for a single payment (an instrument column mapping to cash). */
export function canWriteCash(p: Partner): boolean {
  return Object.values(p.layout.instrumentMap ?? {}).includes('cash');
}

/** The partner's profile, as pipelines/partners/<id>.json holds it. */
export function profileOf(p: Partner): PartnerProfile {
  const l = p.layout;
  const col = (role: Parameters<typeof roleOf>[1]) => roleOf(l, role)?.name;
  const fields: Record<string, unknown> = {};
  const agent = col('agent');
  fields.txn_ref = agent ? { column: [agent, col('receipt')!], separator: '-' } : { column: col('txn')! };
  fields.paid_at = { column: col('paid')!, format: l.paidFormat, timezone: 'Asia/Ho_Chi_Minh' };
  if (col('settled')) fields.settled_on = { column: col('settled')!, format: l.settledFormat!, timezone: 'Asia/Ho_Chi_Minh' };
  fields.amount = col('credit')
    ? { credit_column: col('credit')!, debit_column: col('debit')!, format: l.amountFormat, debit_kind: 'refund' }
    : { column: col('amount')!, format: l.amountFormat };
  if (col('code')) fields.customer_code = { column: col('code')! };
  if (col('invoice')) fields.invoice_ref = { column: col('invoice')! };
  if (col('memo')) fields.memo = { column: col('memo')! };
  if (l.kindMap) fields.kind = { column: col('kind')!, map: l.kindMap, default: 'payment' };
  if (col('reverses')) fields.reverses_txn_ref = { column: col('reverses')! };
  if (l.instrumentMap) fields.instrument = { column: col('instrument')!, map: l.instrumentMap, default: p.defaultInstrument };
  if (agent) fields.agent_id = { column: agent };

  const ext = l.extension;
  const profile: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    channel_group: p.group,
    ...(p.bin ? { bin: p.bin } : {}),
    default_instrument: p.defaultInstrument,
    file_patterns: [`${l.fileStem}_EVN_*.${ext}`],
    encoding: l.encoding,
    format: { type: 'delimited', delimiter: l.delimiter, quote: '"' },
    ...(l.preamble ? { preamble: l.preamble.until ? { until: l.preamble.until } : { lines: l.preamble.lines(SAMPLE_CONTEXT).length } } : {}),
    header: l.headerNames ? { type: 'names' } : { type: 'none', columns: l.columns.map((x) => x.name) },
    ...(l.trailer?.style === 'record' ? { record_types: { detail: ['D'], header: ['H'], trailer: ['T'] } } : {}),
    ...(l.trailer ? { trailer: trailerProfile(l) } : {}),
    skip: l.pageBreak ? [l.pageBreak.skip] : [],
    fields,
  };
  return profile as PartnerProfile;
}

const SAMPLE_CONTEXT = { partnerName: 'x', account: '0', key: '20000101', label: '01/01/2000' };

function trailerProfile(l: Layout): Record<string, unknown> {
  const t = l.trailer!;
  const amountField = l.columns.findIndex((x) => x.role === 'amount') + 1;
  const countField = l.columns.findIndex((x) => x.role === 'txn' || x.role === 'receipt') + 1;
  switch (t.style) {
    case 'record':
      return { count: { field: 2 }, amount: { field: 3 }, amount_format: l.amountFormat };
    case 'total_row':
      return { match: `^${t.label}`, count: { field: countField }, amount: { field: amountField }, amount_format: l.amountFormat };
    case 'regex':
      return { match: t.match, count: { regex: t.count }, amount: { regex: t.amount }, amount_format: l.amountFormat };
  }
}
