// Every label of the dashboard, in Vietnamese (the default) and English. The English table is
// typed by the Vietnamese one, so a label missing in either language fails the typecheck.
import type { ChannelGroup } from '../ingest/profile.ts';
import type { Lang } from './format.ts';

const vi = {
  htmlLang: 'vi',
  title: 'Báo cáo thu tiền điện',
  periodLabel: 'Kỳ hóa đơn',
  asOfNote: 'Số liệu tính đến hết ngày {date} (giờ Việt Nam); chỉ tính các khoản thanh toán có thời điểm trả tiền đến hết ngày này.',
  headline: 'Chỉ tiêu chính',
  vsPrevious: 'so với kỳ {period}',
  noPrevious: 'Không có kỳ trước để so sánh',
  collectionRateAmount: 'Tỷ lệ thu theo số tiền',
  collectionRateCount: 'Tỷ lệ hóa đơn đã thu đủ',
  cashlessShareAmount: 'Tỷ lệ tiền thu không dùng tiền mặt',
  cashlessShareCustomers: 'Tỷ lệ khách hàng không dùng tiền mặt',
  invoiced: 'Tiền điện phát hành',
  collected: 'Đã thu',
  invoicesCount: '{n} hóa đơn',
  invoicesSettled: '{n} / {total} hóa đơn',
  customersCount: '{n} / {total} khách hàng',
  ofInvoiced: 'trên {amount} phát hành',
  byPc: 'Tỷ lệ thu theo tổng công ty điện lực',
  byUnitBest: '10 điện lực thu tốt nhất',
  byUnitWorst: '10 điện lực thu thấp nhất',
  byUnitNote: 'Xếp theo tỷ lệ thu theo số tiền; {n} điện lực trong kỳ.',
  pc: 'Tổng công ty',
  unit: 'Điện lực',
  unknownArea: '(không có trong dữ liệu khách hàng)',
  invoices: 'Hóa đơn',
  invoicedVnd: 'Phát hành',
  allocatedVnd: 'Đã thu',
  rateAmount: 'Tỷ lệ thu (tiền)',
  rateCount: 'Tỷ lệ thu (hóa đơn)',
  channels: 'Kênh thu',
  channelShareChart: 'Thị phần các kênh thu',
  channelGroup: 'Nhóm kênh',
  shareInvoices: 'Theo số hóa đơn',
  shareAmount: 'Theo số tiền',
  share: 'Tỷ trọng',
  customers: 'Khách hàng',
  channelNote: 'Mỗi hóa đơn được tính cho nhóm kênh đã thu nhiều tiền nhất cho hóa đơn đó; một khách hàng có thể thuộc hai nhóm.',
  cashless: 'Thanh toán không dùng tiền mặt',
  cashlessTrend: 'Xu hướng thanh toán không dùng tiền mặt qua các kỳ',
  cashlessNote: 'Không dùng tiền mặt là theo phương tiện thanh toán (chuyển khoản, trích nợ tự động, thẻ, QR, ví điện tử), không theo kênh: nộp tiền mặt tại quầy ngân hàng vẫn là tiền mặt.',
  period: 'Kỳ',
  measure: 'Chỉ tiêu',
  partners: 'Đánh giá đối tác thu hộ',
  partnersNote: 'Giao dịch: các khoản thanh toán trong tháng {month} đến hết ngày {date}. Tệp: mọi tệp của đối tác đã nhận.',
  partner: 'Đối tác',
  payments: 'Giao dịch',
  amount: 'Số tiền',
  allocatedToPeriod: 'Đã gạch nợ kỳ này',
  lagMedian: 'Đối soát T+n (trung vị)',
  lagP95: 'T+n (P95)',
  unmatchedRate: 'Tỷ lệ chưa khớp',
  rejectRate: 'Tỷ lệ dòng lỗi',
  duplicateRate: 'Tỷ lệ dòng trùng',
  days: '{n} ngày',
  exceptions: 'Giao dịch cần xử lý',
  exceptionsChart: 'Giao dịch cần xử lý theo lý do và tuổi',
  exceptionsNote: 'Tuổi tính từ ngày thanh toán đến ngày {date}.',
  reason: 'Lý do',
  age: 'Tuổi (ngày)',
  count: 'Số giao dịch',
  largestExceptions: 'Các giao dịch cần xử lý lớn nhất',
  txnRef: 'Mã giao dịch',
  paidOn: 'Ngày thanh toán',
  customerCode: 'Mã khách hàng',
  suggestedInvoice: 'Hóa đơn gợi ý',
  memo: 'Nội dung chuyển tiền',
  noExceptions: 'Không có giao dịch nào cần xử lý.',
  dataQuality: 'Chất lượng dữ liệu',
  dataQualityNote: 'Tất cả các tệp đối soát của đối tác đã nhận.',
  filesLoaded: 'Tệp đã nạp',
  filesQuarantined: 'Tệp bị cách ly',
  filesSkipped: 'Tệp gửi trùng (bỏ qua)',
  recordsRead: 'Dòng đã đọc',
  recordsRejected: 'Dòng bị loại',
  recordsDuplicate: 'Dòng trùng',
  controlMismatches: 'Tệp lệch tổng kiểm soát',
  rejectedAmount: 'Số tiền trong dòng bị loại',
  rejectReasons: 'Lý do loại dòng',
  records: 'Số dòng',
  none: 'Không có',
  footer: 'Định nghĩa các chỉ tiêu: README, mục "KPI glossary". Số liệu gốc: kpis.json (phiên bản cấu trúc {version}).',
} as const;

type Labels = { [K in keyof typeof vi]: string };

const en: Labels = {
  htmlLang: 'en',
  title: 'Electricity bill collection report',
  periodLabel: 'Billing period',
  asOfNote: 'Figures as of the end of {date} (Vietnam time); only payments made by then are counted.',
  headline: 'Headline figures',
  vsPrevious: 'vs {period}',
  noPrevious: 'No previous period to compare with',
  collectionRateAmount: 'Collection rate by amount',
  collectionRateCount: 'Invoices fully paid',
  cashlessShareAmount: 'Cashless share of amount',
  cashlessShareCustomers: 'Cashless share of customers',
  invoiced: 'Amount billed',
  collected: 'Collected',
  invoicesCount: '{n} invoices',
  invoicesSettled: '{n} of {total} invoices',
  customersCount: '{n} of {total} customers',
  ofInvoiced: 'of {amount} billed',
  byPc: 'Collection rate by power corporation',
  byUnitBest: 'Top 10 units by collection rate',
  byUnitWorst: 'Bottom 10 units by collection rate',
  byUnitNote: 'Ranked by collection rate by amount; {n} units in the period.',
  pc: 'Power corporation',
  unit: 'Unit',
  unknownArea: '(not in customer data)',
  invoices: 'Invoices',
  invoicedVnd: 'Billed',
  allocatedVnd: 'Collected',
  rateAmount: 'Rate (amount)',
  rateCount: 'Rate (invoices)',
  channels: 'Collection channels',
  channelShareChart: 'Channel shares',
  channelGroup: 'Channel group',
  shareInvoices: 'By invoices',
  shareAmount: 'By amount',
  share: 'Share',
  customers: 'Customers',
  channelNote: 'Each invoice counts for the channel group that paid most of it; a customer may count under two groups.',
  cashless: 'Cashless payments',
  cashlessTrend: 'Cashless payments over the periods',
  cashlessNote: 'Cashless is a property of the payment instrument (transfer, auto-debit, card, QR, e-wallet), not of the channel: cash paid at a bank counter is cash.',
  period: 'Period',
  measure: 'Measure',
  partners: 'Partner scorecard',
  partnersNote: 'Payments: those made in {month} up to {date}. Files: every file received from the partner.',
  partner: 'Partner',
  payments: 'Payments',
  amount: 'Amount',
  allocatedToPeriod: 'Applied to this period',
  lagMedian: 'Settlement T+n (median)',
  lagP95: 'T+n (p95)',
  unmatchedRate: 'Unmatched rate',
  rejectRate: 'Reject rate',
  duplicateRate: 'Duplicate rate',
  days: '{n} days',
  exceptions: 'Exceptions',
  exceptionsChart: 'Exceptions by reason and age',
  exceptionsNote: 'Age from the payment date to {date}.',
  reason: 'Reason',
  age: 'Age (days)',
  count: 'Payments',
  largestExceptions: 'Largest exceptions',
  txnRef: 'Transaction id',
  paidOn: 'Paid on',
  customerCode: 'Customer code',
  suggestedInvoice: 'Suggested invoice',
  memo: 'Memo',
  noExceptions: 'No exceptions.',
  dataQuality: 'Data quality',
  dataQualityNote: 'Every partner settlement file received.',
  filesLoaded: 'Files loaded',
  filesQuarantined: 'Files quarantined',
  filesSkipped: 'Files delivered twice (skipped)',
  recordsRead: 'Records read',
  recordsRejected: 'Records rejected',
  recordsDuplicate: 'Duplicate records',
  controlMismatches: 'Control-total mismatches',
  rejectedAmount: 'Amount in rejected records',
  rejectReasons: 'Reject reasons',
  records: 'Records',
  none: 'None',
  footer: 'KPI definitions: README, section "KPI glossary". Source figures: kpis.json (schema version {version}).',
};

const GROUPS: Record<Lang, Record<ChannelGroup, string>> = {
  vi: { bank: 'Ngân hàng', intermediary: 'Trung gian thanh toán', retail_agent: 'Đại lý thu hộ', evn_counter: 'Quầy thu EVN' },
  en: { bank: 'Banks', intermediary: 'Payment intermediaries', retail_agent: 'Retail agents', evn_counter: 'EVN counters' },
};

/** Exception reasons of the matching stage (README "Exception reasons"). */
const REASONS: Record<Lang, Record<string, string>> = {
  vi: {
    orphan_reversal: 'Hủy/hoàn không tìm thấy giao dịch gốc',
    overpayment_credit: 'Trả thừa (ghi có cho kỳ sau)',
    suggested_match: 'Mã khách hàng gõ sai (gợi ý khớp)',
    duplicate_payment: 'Thanh toán trùng (cần hoàn tiền)',
    unknown_customer: 'Không tìm thấy khách hàng',
    no_open_invoice: 'Không còn hóa đơn nợ',
    auditor_unmatched: 'Kiểm toán viên bỏ khớp',
  },
  en: {
    orphan_reversal: 'Reversal without its original',
    overpayment_credit: 'Over-payment (credit carried forward)',
    suggested_match: 'Mistyped customer code (suggested match)',
    duplicate_payment: 'Duplicate payment (refund due)',
    unknown_customer: 'Unknown customer',
    no_open_invoice: 'No open invoice',
    auditor_unmatched: 'Unmatched by an auditor',
  },
};

/** Reject reasons of ingest (README "Reject reasons"). */
const REJECT_REASONS: Record<Lang, Record<string, string>> = {
  vi: {
    missing_field: 'Thiếu trường bắt buộc',
    bad_amount: 'Số tiền không hợp lệ',
    negative_amount: 'Số tiền âm không được phép',
    bad_date: 'Ngày giờ không hợp lệ',
    unknown_code: 'Mã không xác định',
    column_count: 'Sai số cột (dòng hỏng hoặc bị cắt)',
  },
  en: {
    missing_field: 'Required field missing',
    bad_amount: 'Invalid amount',
    negative_amount: 'Negative amount not allowed',
    bad_date: 'Invalid date/time',
    unknown_code: 'Unknown code',
    column_count: 'Wrong number of columns (broken or cut line)',
  },
};

/** Age buckets of the exception queue, youngest first. */
export const AGE_BUCKETS = ['0-7', '8-30', '31-90', '>90'] as const;

export interface Translator {
  lang: Lang;
  /** A label with {name} placeholders filled in. */
  t(key: keyof Labels, vars?: Record<string, string>): string;
  group(g: ChannelGroup): string;
  /** A reason code's name; an unknown code is shown as it is. */
  reason(code: string): string;
  /** A reject reason code's name; an unknown code is shown as it is. */
  rejectReason(code: string): string;
  ageBucket(b: string): string;
}

/** The labels of one language. */
export function translator(lang: Lang): Translator {
  const labels: Labels = lang === 'vi' ? vi : en;
  return {
    lang,
    t: (key, vars = {}) => labels[key].replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m),
    group: (g) => GROUPS[lang][g],
    reason: (code) => REASONS[lang][code] ?? code,
    rejectReason: (code) => REJECT_REASONS[lang][code] ?? code,
    ageBucket: (b) => (b === '>90' ? (lang === 'vi' ? 'trên 90' : 'over 90') : b.replace('-', '–')),
  };
}
