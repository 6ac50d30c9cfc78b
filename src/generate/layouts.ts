// File layouts: how each partner writes its settlement files. One Layout drives both the partner's
// profile (what a reader is told, pipelines/partners/<id>.json) and the writer (src/generate/files.ts),
// so the files are exactly what their profile describes.
import type { AmountFormatInput as AmountFormat, Encoding, Instrument, Kind } from '../ingest/profile.ts';

/** What a column carries. */
export type Role =
  | 'seq' // running row number (STT)
  | 'rectype' // "D" on detail records of H/D/T files
  | 'txn'
  | 'agent'
  | 'receipt' // txn_ref = agent + "-" + receipt
  | 'paid'
  | 'settled'
  | 'amount'
  | 'credit'
  | 'debit'
  | 'code'
  | 'invoice'
  | 'memo'
  | 'payer'
  | 'kind'
  | 'reverses'
  | 'instrument'
  | 'currency';

export interface Column {
  name: string;
  role: Role;
}

/** Total row (delimited, e.g. "Tổng cộng,…"), a free-text trailer line with regex captures, or an H/D/T trailer record. */
export type TrailerStyle =
  | { style: 'total_row'; label: string }
  | { style: 'regex'; line: (count: number, amount: string) => string; match: string; count: string; amount: string }
  | { style: 'record' };

export interface Layout {
  template: string;
  encoding: Encoding;
  delimiter: string;
  /** Quote every field (some exporters do), or only those that need it. */
  quoteAll: boolean;
  eol: '\n' | '\r\n';
  headerNames: boolean; // false: no header line, columns named in the profile
  columns: Column[];
  paidFormat: string;
  settledFormat?: string;
  amountFormat: AmountFormat;
  kindMap?: Record<string, Kind>;
  instrumentMap?: Record<string, Instrument>;
  /** H/D/T record types: a header record above the details. */
  headerRecord?: (ctx: FileContext) => string[];
  preamble?: { until?: string; lines: (ctx: FileContext) => string[] };
  trailer?: TrailerStyle;
  /** A page-break line every N records (neither payment nor reject), with the regex that skips it. */
  pageBreak?: { every: number; line: (page: number) => string; skip: string };
  /** Daily files (one per settlement day) or one file per calendar month of payment. */
  files: 'daily' | 'period';
  fileStem: string;
  extension: string;
  /** How a reversal or refund names its original: its own id + a column, or the same id. */
  reversals: 'own_id' | 'same_id' | 'none';
}

export interface FileContext {
  partnerName: string;
  bin?: string;
  account: string;
  /** YYYYMMDD (daily) or YYYYMM (period). */
  key: string;
  label: string; // dd/MM/yyyy or MM/yyyy
}

export const roleOf = (layout: Layout, role: Role): Column | undefined => layout.columns.find((c) => c.role === role);

const DOT: AmountFormat = { grouping: '.', decimal: null, allow_negative: false };
const COMMA: AmountFormat = { grouping: ',', decimal: null, allow_negative: false };
const PLAIN: AmountFormat = { grouping: '', decimal: null, allow_negative: false };
const SPACE: AmountFormat = { grouping: ' ', decimal: null, allow_negative: false };
const DECIMAL_COMMA: AmountFormat = { grouping: '.', decimal: ',', allow_negative: false };

const c = (name: string, role: Role): Column => ({ name, role });

interface Variant {
  stem: string;
  files?: 'daily' | 'period';
  delimiter?: string;
  encoding?: Encoding;
  alt?: boolean; // alternative header wording / date format
}

/** Vietnamese bank statement: preamble, STT, dot grouping, instrument column, "Tổng cộng" total row. */
export function vnBankCsv(v: Variant): Layout {
  const d = v.delimiter ?? ',';
  return {
    template: 'vn_bank_csv',
    encoding: v.encoding ?? 'utf-8-bom',
    delimiter: d,
    quoteAll: false,
    eol: '\r\n',
    headerNames: true,
    columns: [
      c('STT', 'seq'),
      c(v.alt ? 'Mã giao dịch' : 'Số bút toán', 'txn'),
      c(v.alt ? 'Ngày giờ GD' : 'Thời gian giao dịch', 'paid'),
      c('Ngày hạch toán', 'settled'),
      c(v.alt ? 'Mã khách hàng' : 'Mã KH', 'code'),
      c('Mã hóa đơn', 'invoice'),
      c('Số tiền', 'amount'),
      c('Nội dung', 'memo'),
      c('Hình thức', 'instrument'),
    ],
    paidFormat: v.alt ? 'DD-MM-YYYY HH:mm:ss' : 'DD/MM/YYYY HH:mm:ss',
    settledFormat: v.alt ? 'DD-MM-YYYY' : 'DD/MM/YYYY',
    amountFormat: DOT,
    instrumentMap: { CK: 'transfer', TM: 'cash', QR: 'qr', UNT: 'auto_debit', THE: 'card' },
    preamble: {
      until: `^STT${d === '|' ? '\\|' : d}`,
      lines: (x) => [`NGÂN HÀNG ${x.partnerName.toUpperCase()}`, 'SAO KÊ GIAO DỊCH THU HỘ TIỀN ĐIỆN', `Tài khoản: ${x.account} - TỔNG CÔNG TY ĐIỆN LỰC`, `Kỳ sao kê: ${x.label}`, ''],
    },
    trailer: { style: 'total_row', label: 'Tổng cộng' },
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'csv',
    reversals: 'none',
  };
}

/** English core-banking export: semicolon, ISO times, decimal comma, kind and original-id columns. */
export function enBankSemicolon(v: Variant): Layout {
  return {
    template: 'en_bank_semicolon',
    encoding: v.encoding ?? 'utf-8',
    delimiter: v.delimiter ?? ';',
    quoteAll: v.alt ?? false,
    eol: '\n',
    headerNames: true,
    columns: [
      c('TransactionID', 'txn'),
      c('TransactionTime', 'paid'),
      c('ValueDate', 'settled'),
      c('CustomerID', 'code'),
      c('BillNo', 'invoice'),
      c('Amount', 'amount'),
      c('Currency', 'currency'),
      c('Narrative', 'memo'),
      c('TxnType', 'kind'),
      c('OrigTransactionID', 'reverses'),
      c('Channel', 'instrument'),
    ],
    paidFormat: 'ISO',
    settledFormat: 'YYYY-MM-DD',
    amountFormat: DECIMAL_COMMA,
    kindMap: { C: 'payment', R: 'reversal', F: 'refund' },
    instrumentMap: { IBFT: 'transfer', ATM: 'card', QR: 'qr', AUTODEBIT: 'auto_debit', COUNTER: 'cash' },
    preamble: { lines: (x) => [`Statement of EVN bill collections - ${x.partnerName}`, `Account ${x.account}; period ${x.label}`] },
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'csv',
    reversals: 'own_id',
  };
}

/** Host-to-host pipe file with H/D/T record types, no header line, trailer record with count and sum. */
export function hdtPipe(v: Variant): Layout {
  return {
    template: 'hdt_pipe',
    encoding: v.encoding ?? 'utf-8',
    delimiter: '|',
    quoteAll: false,
    eol: '\n',
    headerNames: false,
    columns: [
      c('record_type', 'rectype'),
      c('txn_ref', 'txn'),
      c('paid_at', 'paid'),
      c('settle_date', 'settled'),
      c('customer_code', 'code'),
      c('invoice_no', 'invoice'),
      c('amount', 'amount'),
      c('memo', 'memo'),
    ],
    paidFormat: 'YYYYMMDDHHmmss',
    settledFormat: 'YYYYMMDD',
    amountFormat: PLAIN,
    headerRecord: (x) => ['H', x.bin ?? '', x.key, 'EVN', x.account],
    trailer: { style: 'record' },
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'txt',
    reversals: 'none',
  };
}

/** Spreadsheet "Unicode text" export: UTF-16LE, tab, comma grouping, kind column (reversal reuses the id). */
export function tabUtf16(v: Variant): Layout {
  return {
    template: 'tab_utf16',
    encoding: 'utf-16le',
    delimiter: '\t',
    quoteAll: false,
    eol: '\r\n',
    headerNames: true,
    columns: [
      c('Mã GD', 'txn'),
      c('Ngày giao dịch', 'paid'),
      c('Mã KH', 'code'),
      c('Tên khách hàng', 'payer'),
      c('Số tiền', 'amount'),
      c('Diễn giải', 'memo'),
      c('Loại', 'kind'),
      c('Kênh', 'instrument'),
    ],
    paidFormat: 'DD/MM/YYYY HH:mm:ss',
    amountFormat: COMMA,
    kindMap: { Thu: 'payment', Huy: 'reversal', Hoan: 'refund' },
    instrumentMap: { 'Chuyển khoản': 'transfer', 'Tiền mặt': 'cash', QR: 'qr', 'Trích nợ tự động': 'auto_debit' },
    preamble: { lines: (x) => [`${x.partnerName} - Bảng kê thu hộ tiền điện`, `Từ ngày ${x.label}`] },
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'txt',
    reversals: 'same_id',
  };
}

/** Legacy Windows-1258 auto-debit list: date only, quoted comma grouping, free-text trailer line. */
export function cp1258Csv(v: Variant): Layout {
  return {
    template: 'cp1258_csv',
    encoding: 'windows-1258',
    delimiter: ',',
    quoteAll: true,
    eol: '\r\n',
    headerNames: true,
    columns: [
      c('Số chứng từ', 'txn'),
      c('Ngày trích nợ', 'paid'),
      c('Mã khách hàng', 'code'),
      c('Tên chủ tài khoản', 'payer'),
      c('Số hóa đơn', 'invoice'),
      c('Số tiền', 'amount'),
    ],
    paidFormat: 'DD/MM/YYYY',
    amountFormat: COMMA,
    preamble: { lines: (x) => [`${x.partnerName}`, `Danh sách trích nợ tự động tiền điện kỳ ${x.label}`, ''] },
    trailer: {
      style: 'regex',
      line: (n, amount) => `Tổng số giao dịch: ${n}; tổng số tiền: ${amount}`,
      match: '^Tổng số giao dịch',
      count: 'Tổng số giao dịch: (\\d+)',
      amount: 'tổng số tiền: ([0-9,]+)',
    },
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'csv',
    reversals: 'none',
  };
}

/** E-wallet export: English, ISO times, credit/debit columns; refunds name the original. */
export function walletCsv(v: Variant): Layout {
  return {
    template: 'wallet_csv',
    encoding: v.encoding ?? 'utf-8',
    delimiter: v.delimiter ?? ',',
    quoteAll: false,
    eol: '\n',
    headerNames: true,
    columns: [
      c('transaction_id', 'txn'),
      c('created_at', 'paid'),
      c('settlement_date', 'settled'),
      c('bill_code', 'code'),
      c('credit', 'credit'),
      c('debit', 'debit'),
      c('description', 'memo'),
      c('ref_transaction_id', 'reverses'),
    ],
    paidFormat: v.alt ? 'YYYY-MM-DD HH:mm:ss' : 'ISO',
    settledFormat: 'YYYY-MM-DD',
    amountFormat: PLAIN,
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'csv',
    reversals: 'own_id',
  };
}

/** Payment-gateway pipe export with an English header and a "#TOTAL" trailer line. */
export function gatewayPipe(v: Variant): Layout {
  return {
    template: 'gateway_pipe',
    encoding: v.encoding ?? 'utf-8',
    delimiter: '|',
    quoteAll: false,
    eol: '\n',
    headerNames: true,
    columns: [
      c('TRANS_ID', 'txn'),
      c('TRANS_TIME', 'paid'),
      c('CUSTOMER_CODE', 'code'),
      c('BILL_ID', 'invoice'),
      c('AMOUNT', 'amount'),
      c('NOTE', 'memo'),
    ],
    paidFormat: 'YYYYMMDDHHmmss',
    amountFormat: PLAIN,
    trailer: { style: 'regex', line: (n, amount) => `#TOTAL|count=${n}|amount=${amount}`, match: '^#TOTAL', count: 'count=(\\d+)', amount: 'amount=(\\d+)' },
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'dat',
    reversals: 'none',
  };
}

/** Retail cash-agent network: agent id + receipt number, page breaks, "Tổng cộng" total row. */
export function agentSemicolon(v: Variant): Layout {
  return {
    template: 'agent_semicolon',
    encoding: v.encoding ?? 'utf-8',
    delimiter: ';',
    quoteAll: false,
    eol: '\r\n',
    headerNames: true,
    columns: [
      c('Mã đại lý', 'agent'),
      c('Số biên nhận', 'receipt'),
      c('Thời gian thu', 'paid'),
      c('Mã KH', 'code'),
      c('Tên KH', 'payer'),
      c('Số tiền', 'amount'),
      c('Ghi chú', 'memo'),
    ],
    paidFormat: 'DD/MM/YYYY HH:mm',
    amountFormat: DOT,
    preamble: { until: '^Mã đại lý;', lines: (x) => [`${x.partnerName.toUpperCase()}`, `BẢNG KÊ THU HỘ TIỀN ĐIỆN NGÀY ${x.label}`] },
    trailer: { style: 'total_row', label: 'Tổng cộng' },
    pageBreak: { every: 250, line: (p) => `--- Trang ${p} ---`, skip: '^--- Trang \\d+ ---$' },
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'csv',
    reversals: 'none',
  };
}

/** The utility's own counters: tab, space grouping, cashier receipts. */
export function counterTab(v: Variant): Layout {
  return {
    template: 'counter_tab',
    encoding: v.encoding ?? 'utf-8',
    delimiter: '\t',
    quoteAll: false,
    eol: '\n',
    headerNames: true,
    columns: [c('Số phiếu thu', 'txn'), c('Ngày thu', 'paid'), c('Mã khách hàng', 'code'), c('ID hóa đơn', 'invoice'), c('Số tiền', 'amount'), c('Tên khách hàng', 'payer')],
    paidFormat: 'DD/MM/YYYY HH:mm:ss',
    amountFormat: SPACE,
    preamble: { until: '^Số phiếu thu\\t', lines: (x) => [`${x.partnerName.toUpperCase()}`, `Báo cáo thu tiền điện tại quầy - ${x.label}`] },
    files: v.files ?? 'period',
    fileStem: v.stem,
    extension: 'tsv',
    reversals: 'none',
  };
}
