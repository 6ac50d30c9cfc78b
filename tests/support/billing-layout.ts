// A billing layout in the shape of EVN's CMIS export, shared by the billing-layout tests.

/** A CMIS-like layout: the export's own column names, semicolons, UTF-8 with a BOM. */
export const CMIS_LAYOUT = {
  encoding: 'utf-8-bom',
  delimiter: ';',
  customers: {
    file_patterns: ['KHANG_*.csv'],
    columns: { customer_code: 'MA_KHANG', name: 'TEN_KHANG', segment: 'MA_NHOMKH' },
    segment_map: { SH: 'residential', KD: 'business', SX: 'industrial', HCSN: 'administrative' },
  },
  invoices: {
    file_patterns: ['HDON_{period}.csv'],
    file_period_format: 'YYYYMM',
    period_format: 'MM/YYYY',
    columns: { invoice_no: 'ID_HDON', customer_code: 'MA_KHANG', period: 'KY_HDON', series: 'KY_HIEU', number: 'SO_HDON', issued_on: 'NGAY_PHANH', due_on: 'HAN_TTOAN', amount_vnd: 'TONG_TIEN' },
    date_format: 'DD/MM/YYYY',
    amount: { grouping: '.', decimal: ',' },
  },
};
