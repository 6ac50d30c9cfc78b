// The arguments sample-data/ is generated with (README "generate"; a test regenerates and compares).
export const SAMPLE = { period: '2026-01', months: 3, customers: 3000, seed: 20260101 } as const;
