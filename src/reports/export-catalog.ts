// What `recon export` can write: the datasets and formats, without the writers (so the CLI can
// list them in --help without loading exceljs or apache-arrow).
export const DATASETS = ['allocations', 'exceptions', 'payments', 'kpis', 'arrears', 'credits', 'refunds', 'rejects'] as const;
export const FORMATS = ['csv', 'xlsx', 'parquet', 'arrow', 'json'] as const;
export type Dataset = (typeof DATASETS)[number];
export type ExportFormat = (typeof FORMATS)[number];
