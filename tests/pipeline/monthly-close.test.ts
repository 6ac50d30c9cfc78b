// The monthly close end to end from the CLI on the committed sample-data: exit code, outputs,
// byte-identical kpis.json on a rerun, a rerun that adds nothing, the ledger, usage errors.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { recon } from '../support/cli.ts';
import { copySampleClose, SAMPLE, type SampleClose } from '../support/sample-close.ts';

async function tableCounts(dbPath: string): Promise<Record<string, number>> {
  const d = await Database.open({ path: dbPath });
  try {
    const row = await d.one<Record<string, bigint>>(
      `SELECT (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM allocations) AS allocations,
              (SELECT count(*) FROM exceptions) AS exceptions, (SELECT count(*) FROM rejects) AS rejects,
              (SELECT count(*) FROM invoices) AS invoices, (SELECT count(*) FROM source_files) AS files,
              (SELECT count(*) FROM runs) AS runs`,
    );
    return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
  } finally {
    d.close();
  }
}

describe('recon run monthly-close on sample-data', () => {
  let first: SampleClose;
  let copy: { dbPath: string; dir: string };
  let firstCounts: Record<string, number>;

  beforeAll(async () => {
    const c = await copySampleClose();
    first = c.shared;
    copy = c;
    firstCounts = await tableCounts(copy.dbPath);
  }, 600_000);

  it('writes kpis.json, dashboard.html and its English twin for the latest period', () => {
    const r = first.result;
    expect(r.period).toBe('2026-03');
    expect(r.asOf).toBe('2026-04-30');
    expect(r.kpisPath).toBe(join(first.outDir, '2026-03', 'kpis.json'));
    expect(r.dashboardPath).toBe(join(first.outDir, '2026-03', 'dashboard.html'));
    expect(readFileSync(r.dashboardPath, 'utf8')).toMatch(/<html lang="vi"/);
    expect(r.twinDashboardPath).toBe(join(first.outDir, '2026-03', 'dashboard.en.html'));
    expect(readFileSync(r.twinDashboardPath, 'utf8')).toMatch(/<html lang="en"/);
    expect(firstCounts.payments).toBeGreaterThan(1000);
    expect(firstCounts.allocations).toBeGreaterThan(1000);
  });

  it('sums up what each stage did: the files and records of the run, the matching, the headline ratios of kpis.json', () => {
    const { summary } = first.result;
    const kpis = JSON.parse(readFileSync(first.result.kpisPath, 'utf8')) as { headline: { ratios: Record<string, unknown> } };
    expect(summary.kpis).toEqual({
      collection_rate_amount: kpis.headline.ratios['collection_rate_amount'], collection_rate_count: kpis.headline.ratios['collection_rate_count'],
      cashless_share_amount: kpis.headline.ratios['cashless_share_amount'], cashless_share_customers: kpis.headline.ratios['cashless_share_customers'],
    });
    expect(summary.billing).toMatchObject({ files: { loaded: 4 }, invoices: firstCounts.invoices });
    expect(summary.ingest.records_loaded).toBe(firstCounts.payments);
    expect(summary.ingest.files['quarantined']).toBeGreaterThan(0);
    expect(summary.ingest.records_quarantined).toBeGreaterThan(0);
    const { records_read, records_loaded, records_rejected, records_duplicate, records_quarantined } = summary.ingest;
    expect(records_read).toBe(records_loaded + records_rejected + records_duplicate + records_quarantined);
    expect(summary.match.allocations).toBe(firstCounts.allocations);
    expect(summary.match.open_exceptions).toBeGreaterThan(0);
    expect(summary.match.open_exceptions).toBeLessThanOrEqual(firstCounts.exceptions!);
  });

  it('gives a byte-identical kpis.json and adds no payments or allocations when run again', async () => {
    const out = join(copy.dir, 'out');
    const second = await recon('run', 'monthly-close', '--data', SAMPLE, '--db', copy.dbPath, '--out', out, '--json');
    expect(second.status, second.stderr).toBe(0);
    const result = JSON.parse(second.stdout) as SampleClose['result'];
    expect(readFileSync(result.kpisPath, 'utf8')).toBe(readFileSync(first.result.kpisPath, 'utf8'));
    // Nothing new to read: every file skipped; the same matching and ratios.
    expect(result.summary.billing.files).toEqual({ skipped: 4 });
    expect(result.summary.ingest).toMatchObject({ records_read: 0, records_loaded: 0 });
    expect(Object.keys(result.summary.ingest.files)).toEqual(['skipped']);
    expect({ ...result.summary, billing: null, ingest: null }).toEqual({ ...first.result.summary, billing: null, ingest: null });
    // In text, one line per stage before the paths.
    const text = await recon('run', 'monthly-close', '--data', SAMPLE, '--db', copy.dbPath, '--out', out);
    expect(text.status, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines.slice(0, 5).map((l) => l.slice(0, 12))).toEqual(['closed 2026-', '  billing:  ', '  partners: ', '  matching: ', '  KPIs:     ']);
    expect(lines[1]).toBe(`  billing:   0 file(s) imported (4 skipped); ${first.result.summary.billing.customers.toLocaleString('en-US')} customers and ${firstCounts.invoices!.toLocaleString('en-US')} invoices in the database`);
    expect(lines[3]).toMatch(/^ {2}matching: {2}[\d,]+ payments, [\d,]+ allocations of [\d,]+ VND \(all loaded payments\); [\d,]+ open exception\(s\) of [\d,]+ VND among payments made by \d{4}-\d\d-\d\d \(`recon exceptions --period \d{4}-\d\d`\)$/);
    expect(lines[4]).toMatch(/^ {2}KPIs: {6}collection rate \d+\.\d\d% of the amount billed \(\d+\.\d\d% of invoices settled\); cashless \d+\.\d\d% of the amount collected, \d+\.\d\d% of paying customers$/);
    const counts = await tableCounts(copy.dbPath);
    expect({ ...counts, runs: 0 }).toEqual({ ...firstCounts, runs: 0 });
    expect(counts.runs).toBe((firstCounts.runs ?? 0) + 2); // only the ledger grows (the two closes above)
  });

  it('holds no run ids or timestamps in kpis.json', () => {
    expect(readFileSync(first.result.kpisPath, 'utf8')).not.toMatch(/run_id|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('records the run in the ledger with input hashes and per-stage timings', async () => {
    const result = await recon('runs', '--db', first.dbPath, '--json');
    expect(result.status, result.stderr).toBe(0);
    const runs = JSON.parse(result.stdout) as Array<{ run_id: string; command: string; status: string }>;
    // counts as the object the manifest holds, not a string of JSON inside the JSON
    expect(runs[0]).toMatchObject({ command: 'run monthly-close', status: 'succeeded', counts: expect.objectContaining({ exceptions: 39, 'ingest.files_quarantined': 5 }) });
    const manifest = JSON.parse(readFileSync(join(first.outDir, 'runs', `${runs[0]!.run_id}.json`), 'utf8')) as {
      inputs: Array<{ sha256: string }>;
      stages: Array<{ stage: string; ms: number; peak_rss_mib: number }>;
    };
    expect(manifest.inputs.length).toBeGreaterThan(300);
    expect(manifest.inputs.every((i) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    expect(manifest.stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['billing', 'ingest', 'match', 'report']));
    expect(manifest.stages.every((s) => s.peak_rss_mib > 0)).toBe(true);
  });

  it('refuses a data folder that does not exist with exit code 2', async () => {
    const r = await recon('run', 'monthly-close', '--data', join(copy.dir, 'nope'), '--db', join(copy.dir, 'other.duckdb'));
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/expected a folder with billing\/ inside/);
  });

  it('refuses a malformed period with exit code 2', async () => {
    const r = await recon('run', 'monthly-close', '--data', SAMPLE, '--period', '2026-13', '--db', join(copy.dir, 'other.duckdb'));
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--period "2026-13": expected YYYY-MM/);
  });
});

describe('recon files release', () => {
  it('matches the released payments at once, so the next report counts them', async () => {
    const copy = await copySampleClose();
    const d = await Database.open({ path: copy.dbPath });
    const q = await d.one<{ file_id: bigint }>(`SELECT min(file_id) AS file_id FROM source_files WHERE status = 'quarantined' AND records_read > 0`);
    d.close();
    const r = await recon('files', 'release', String(q!.file_id), '--db', copy.dbPath, '--by', 'Lan', '--reason', 'bank confirmed');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/matching recomputed/);
    const after = await Database.open({ path: copy.dbPath });
    try {
      const row = await after.one<{ released: bigint; unmatched: bigint }>(
        `SELECT count(*) AS released, count(*) FILTER (WHERE m.payment_id IS NULL) AS unmatched
         FROM payments p LEFT JOIN payment_match m USING (payment_id) WHERE p.file_id = $1`,
        [q!.file_id],
      );
      expect(Number(row!.released)).toBeGreaterThan(0);
      expect(Number(row!.unmatched)).toBe(0);
    } finally {
      after.close();
    }
  }, 120_000);
});

describe('usage errors of the reading commands', () => {
  it('refuses a --db that does not exist instead of reporting on a new empty database', async () => {
    const path = join(tmpdir(), `recon-nosuch-${process.pid}.duckdb`);
    for (const args of [['report', '--period', '2026-03'], ['exceptions', '--period', '2026-03'], ['runs'], ['files']]) {
      const r = await recon(...args, '--db', path);
      expect([args[0], r.status]).toEqual([args[0], 2]);
      expect(r.stderr).toMatch(/database .* does not exist; load data first/);
    }
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a period with no invoices, naming the periods there are, and bad numbers', async () => {
    const copy = await copySampleClose();
    const r = await recon('report', '--period', '2030-05', '--db', copy.dbPath, '--out', join(copy.dir, 'x'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no invoices of period 2030-05 in the database \(periods with invoices: .*2026-03\)/);
    const close = await recon('run', 'monthly-close', '--data', SAMPLE, '--period', '2030-01', '--db', copy.dbPath, '--out', join(copy.dir, 'x'));
    expect(close.status).toBe(2);
    expect(close.stderr).toMatch(/no invoices of period 2030-01/);
    const runs = await recon('runs', '--limit', '-1', '--db', copy.dbPath);
    expect(runs.status).toBe(2);
    expect(runs.stderr).toMatch(/--limit "-1": expected a whole number from 1 to 1000000000/);
    // The queue's filters: a mistyped partner id or limit gave an empty queue, exit 0, before.
    const queue = (...args: string[]) => recon('exceptions', '--period', '2026-03', ...args, '--db', copy.dbPath);
    for (const [args, message] of [
      [['--limit', 'abc'], /--limit "abc": expected a whole number from 1 to 1000000000/],
      // Past what a number holds: one line, exit 2, never a stack trace (int64 overflow) or the SQL.
      [['--limit', '99999999999999999999'], /--limit "99999999999999999999": expected a whole number from 1 to 1000000000/],
      [['--older-than', '99999999999999999999'], /--older-than "99999999999999999999": expected a whole number of days, from 0 to 1000000/],
      [['--older-than', '3000000000'], /--older-than "3000000000": expected a whole number of days, from 0 to 1000000/],
      [['--min-amount', '99999999999999999999'], /--min-amount "99999999999999999999": expected a whole number of đồng, from 0 to 1000000000000000/],
      [['--partner', 'ACB'], /--partner "ACB": no partner with this id is loaded; did you mean acb\?/],
      [['--partner', 'vcb'], /--partner "vcb": no partner with this id is loaded; see `recon partners list`/],
    ] as const) {
      const r = await queue(...args);
      expect([args, r.status, r.stderr]).toEqual([args, 2, expect.stringMatching(message)]);
    }
    expect((await queue('--partner', 'acb', '--json')).status).toBe(0);
    // --status all lists open and dismissed rows together, each saying which it is.
    const all = await queue('--status', 'all');
    expect(all.status, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^\d+ open and dismissed exception\(s\) as of 2026-04-30\n/);
    expect(all.stdout).toMatch(/\npayment +status +reason /);
    expect((await queue()).stdout).not.toMatch(/\npayment +status /);
  }, 120_000);
});

describe('recon explain and records received again', () => {
  it('says where a payment waits in a quarantined file, and lists a payment\'s duplicate records', async () => {
    const copy = await copySampleClose();
    const d = await Database.open({ path: copy.dbPath });
    const q = await d.one<{ partner_id: string; txn_ref: string; file_id: bigint; line_no: bigint }>(
      `SELECT q.partner_id, q.txn_ref, q.file_id, q.line_no FROM quarantined_payments q JOIN source_files f USING (file_id)
       WHERE f.status = 'quarantined' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.partner_id = q.partner_id AND p.txn_ref = q.txn_ref)
       ORDER BY q.file_id, q.line_no LIMIT 1`,
    );
    const dup = await d.one<{ partner_id: string; txn_ref: string; file_id: bigint; line_no: bigint }>(
      'SELECT partner_id, txn_ref, file_id, line_no FROM duplicate_records ORDER BY file_id, line_no LIMIT 1',
    );
    d.close();
    const waiting = await recon('explain', `${q!.partner_id}:${q!.txn_ref}`, '--db', copy.dbPath);
    expect(waiting.status).toBe(2);
    expect(waiting.stderr).toContain(`received in file ${q!.file_id} `);
    expect(waiting.stderr).toContain(`line ${q!.line_no}, in a quarantined file`);
    // The partner id in another case: the id meant is suggested.
    const shouted = await recon('explain', `${q!.partner_id.toUpperCase()}:${q!.txn_ref}`, '--db', copy.dbPath);
    expect(shouted.status).toBe(2);
    expect(shouted.stderr).toContain(`did you mean ${q!.partner_id}:${q!.txn_ref}?`);
    expect(waiting.stderr).toContain(`recon files release ${q!.file_id}`);
    const r = await recon('explain', `${dup!.partner_id}:${dup!.txn_ref}`, '--db', copy.dbPath, '--json');
    expect(r.status, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as { receivedAgain: Array<{ received_as: string; file_id: number; line_no: number }> };
    expect(e.receivedAgain).toContainEqual(expect.objectContaining({ received_as: 'duplicate record', file_id: Number(dup!.file_id), line_no: Number(dup!.line_no) }));
    // A payment the partner sent but whose record was rejected (a negative amount): explain finds
    // the reject by the transaction id in its raw text, and names file, line and why.
    const rejected = await recon('explain', 'agribank:FT26020800000723', '--db', copy.dbPath);
    expect(rejected.status).toBe(2);
    expect(rejected.stderr).toMatch(/\(AGRIBANK_EVN_202602\.csv\) line 300, rejected: \S*AGRIBANK_EVN_202602\.csv, line 300, field amount \(column Số tiền\): negative amount/);
    // Part of an id is not the id.
    const part = await recon('explain', 'agribank:FT260208', '--db', copy.dbPath);
    expect(part.stderr).not.toContain('rejected');
  }, 120_000);
});

describe('recon decide on a payment it cannot change', () => {
  it('records the decision but says it has no effect: a void payment, a dismissal with no exception', async () => {
    const copy = await copySampleClose();
    const d = await Database.open({ path: copy.dbPath });
    const voided = await d.one<{ partner_id: string; txn_ref: string }>(`SELECT partner_id, txn_ref FROM payment_match WHERE kind = 'payment' AND void_reason IS NOT NULL ORDER BY payment_id LIMIT 1`);
    const clean = await d.one<{ partner_id: string; txn_ref: string }>(
      `SELECT m.partner_id, m.txn_ref FROM payment_match m WHERE m.kind = 'payment' AND m.void_reason IS NULL
         AND NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.payment_id = m.payment_id) ORDER BY m.payment_id LIMIT 1`,
    );
    const withException = await d.one<{ partner_id: string; txn_ref: string }>(
      `SELECT p.partner_id, p.txn_ref FROM exceptions e JOIN payments p USING (payment_id) WHERE e.status = 'open' AND e.reason = 'unknown_customer' ORDER BY p.payment_id LIMIT 1`,
    );
    const invoice = await d.one<{ invoice_no: string }>('SELECT min(invoice_no) AS invoice_no FROM invoices');
    d.close();
    const decide = (...args: string[]) => recon('decide', ...args, '--by', 'Lan', '--reason', 'test', '--db', copy.dbPath);
    const a = await decide('match', `${voided!.partner_id}:${voided!.txn_ref}`, invoice!.invoice_no);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/note: it has no effect now: the payment is void \(reversed|refunded/);
    const b = await decide('dismiss', `${clean!.partner_id}:${clean!.txn_ref}`);
    expect(b.stdout).toMatch(/note: it has no effect now: the payment has no exception to close/);
    const c = await decide('dismiss', `${withException!.partner_id}:${withException!.txn_ref}`);
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).not.toMatch(/no effect/);
    // It says what it closed, which stays out of matching from now on.
    expect(c.stdout).toMatch(/\nit closes the unknown_customer exception of \d+ đ: that money was dealt with outside recon and stays out of matching from now on\n/);
    expect(b.stdout).not.toMatch(/it closes/);
    // A reversal's own id: a match is refused, naming what it is and the payment it names (dismissing
    // an orphan reversal closes its exception: tests/match/review-s11.test.ts). A payment waiting in a quarantined file: refused, naming
    // the file, the line and the release command (before: "check the partner id").
    const d2 = await Database.open({ path: copy.dbPath });
    const reversal = await d2.one<{ partner_id: string; txn_ref: string; reverses_txn_ref: string }>(
      `SELECT p.partner_id, p.txn_ref, p.reverses_txn_ref FROM payments p WHERE p.kind = 'reversal' AND p.reverses_txn_ref IS NOT NULL AND p.reverses_txn_ref <> p.txn_ref
         AND NOT EXISTS (SELECT 1 FROM payments q WHERE q.partner_id = p.partner_id AND q.txn_ref = p.txn_ref AND q.kind = 'payment') ORDER BY p.payment_id LIMIT 1`,
    );
    const waiting = await d2.one<{ partner_id: string; txn_ref: string; file_id: bigint }>(
      `SELECT q.partner_id, q.txn_ref, q.file_id FROM quarantined_payments q JOIN source_files f USING (file_id)
         WHERE f.status = 'quarantined' AND q.kind = 'payment' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.partner_id = q.partner_id AND p.txn_ref = q.txn_ref) ORDER BY q.file_id, q.line_no LIMIT 1`,
    );
    d2.close();
    const r = await decide('match', `${reversal!.partner_id}:${reversal!.txn_ref}`, invoice!.invoice_no);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${reversal!.partner_id}:${reversal!.txn_ref} is a reversal record, not a payment: decide match applies to payments (dismiss closes its exception); decide on the payment it names, ${reversal!.partner_id}:${reversal!.reverses_txn_ref}`);
    const runsBefore = JSON.parse((await recon('runs', '--json', '--limit', '100000', '--db', copy.dbPath)).stdout).length;
    const w = await decide('match', `${waiting!.partner_id}:${waiting!.txn_ref}`, invoice!.invoice_no);
    expect(w.status).toBe(2);
    // Refused before any run starts: the ledger holds no failed run of it.
    expect((await recon('files', 'release', '999999', '--by', 'Lan', '--reason', 'test', '--db', copy.dbPath)).status).toBe(2);
    expect(JSON.parse((await recon('runs', '--json', '--limit', '100000', '--db', copy.dbPath)).stdout).length).toBe(runsBefore);
    expect(w.stderr).toMatch(new RegExp(`no payment .+ is loaded; it was received in file ${waiting!.file_id} \\(.+\\) line \\d+, in a quarantined file: .*\`recon files release ${waiting!.file_id} --by NAME --reason TEXT\` loads it`));
  }, 180_000);
});

describe('the largest exceptions on the dashboard', () => {
  it('name the customer matching identified when the payment carried no code field', async () => {
    const copy = await copySampleClose();
    const d = await Database.open({ path: copy.dbPath });
    try {
      const { queryReport } = await import('../../src/reports/query.ts');
      const rows = await queryReport<{ txn_ref: string; partner_id: string; customer_code: string | null }>(d, 'exceptions_largest', { as_of: '2026-04-30', limit: 100000 });
      const identified = await d.all<{ partner_id: string; txn_ref: string; claimed_code: string }>(
        `SELECT m.partner_id, m.txn_ref, m.claimed_code FROM payment_match m JOIN payments p USING (payment_id)
         JOIN exceptions e USING (payment_id)
         WHERE e.status = 'open' AND m.code_known AND p.customer_code IS NULL AND p.paid_at < TIMESTAMPTZ '2026-05-01 00:00:00+07'`,
      );
      expect(identified.length).toBeGreaterThan(0);
      const shown = new Map(rows.map((r) => [`${r.partner_id}:${r.txn_ref}`, r.customer_code]));
      for (const i of identified) expect([i.txn_ref, shown.get(`${i.partner_id}:${i.txn_ref}`)]).toEqual([i.txn_ref, i.claimed_code]);
    } finally {
      d.close();
    }
  }, 120_000);
});

describe('recon report into a folder a report was written to', () => {
  it('writes the twin dashboard in the other language too, so no twin of earlier figures stays beside the new ones', async () => {
    const copy = await copySampleClose();
    const out = join(copy.dir, 'report');
    const report = (asOf: string, lang: string) =>
      recon('report', '--period', '2026-03', '--as-of', asOf, '--lang', lang, '--db', copy.dbPath, '--out', out);
    const first = await report('2026-04-10', 'vi');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`twin:      ${join(out, 'dashboard.en.html')}`);
    expect(readFileSync(join(out, 'dashboard.en.html'), 'utf8')).toContain('2026-04-10');
    const second = await report('2026-04-20', 'vi');
    expect(second.status, second.stderr).toBe(0);
    const twin = readFileSync(join(out, 'dashboard.en.html'), 'utf8');
    expect(twin).toContain('2026-04-20');
    expect(twin).not.toContain('2026-04-10');
    const english = await report('2026-04-25', 'en');
    expect(english.status, english.stderr).toBe(0);
    expect(readFileSync(join(out, 'dashboard.vi.html'), 'utf8')).toContain('25/04/2026');
  }, 120_000);
});
