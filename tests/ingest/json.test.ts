// JSON settlement exports (format.type "json"): an array of record objects or one object per line,
// fields by key path, numbers kept as written, broken records rejected with their line.
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { decodeFile } from '../../src/ingest/decode.ts';
import { parseJson } from '../../src/ingest/json.ts';
import { profileSchema } from '../../src/ingest/profile.ts';
import { parseProfileFile } from '../../src/ingest/profiles.ts';
import { sniffFile } from '../../src/ingest/sniff.ts';
import { readSourceLine } from '../../src/match/source-line.ts';
import { BASE_PROFILE, Scratch, openTestDb, withProfile } from './helpers.ts';

const JSON_PROFILE = withProfile({
  id: 'gw-json',
  file_patterns: ['GW_*.json', 'GW_*.ndjson'],
  format: { type: 'json', records: 'array' },
  fields: {
    txn_ref: { column: 'txn.id' },
    paid_at: { column: 'paid_time', format: 'ISO' },
    amount: { column: 'amount', format: { grouping: '', decimal: '.' } },
    customer_code: { column: 'bill.customer_code' },
    memo: { column: 'description' },
    status: { column: 'status', paid: ['SUCCESS'] },
  },
});

async function ingest(files: Record<string, string>, profile: Record<string, unknown> = JSON_PROFILE) {
  const s = new Scratch();
  s.profile(profile);
  for (const [name, text] of Object.entries(files)) s.file(name, text);
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  const payments = await db.all<Record<string, unknown>>('SELECT txn_ref, line_no, amount_vnd, customer_code, memo FROM payments ORDER BY payment_id');
  const rejects = await db.all<{ line_no: bigint; reason: string; field: string | null; value: string | null; message: string; raw: string }>(
    'SELECT line_no, reason, field, value, message, raw FROM rejects ORDER BY file_id, line_no',
  );
  const sources = await db.all<Record<string, unknown>>('SELECT file_name, status, records_read, records_loaded, records_rejected, records_duplicate FROM source_files ORDER BY file_id');
  db.close();
  return { summary, payments, rejects, sources };
}

const ARRAY = `[
  {
    "txn": { "id": "9704361234567890123" },
    "paid_time": "2026-03-01T08:15:00+07:00",
    "amount": 1250000,
    "bill": { "customer_code": "PE0100123456" },
    "description": "Thanh toán tiền điện, \\"T03\\"\\nPE0100123456",
    "status": "SUCCESS"
  },
  {"txn": {"id": 9704361234567890124}, "paid_time": "2026-03-01T09:00:00+07:00", "amount": 500000.00, "bill": {"customer_code": "PD0100000001"}, "description": null, "status": "SUCCESS"},
  {"txn": {"id": "X3"}, "paid_time": "2026-03-01T09:05:00+07:00", "amount": "12a", "bill": {}, "status": "SUCCESS"},
  {"txn": {"id": "X4"}, "paid_time": "2026-03-01T09:06:00+07:00", "amount": 1000, "status": "FAILED"},
  {"txn": {"id": "X5"}, "amount": 1000,, "status": "SUCCESS"},
  "not a record",
  {"txn": {"id": "X7", "id": "X8"}, "paid_time": "2026-03-01T09:07:00+07:00", "amount": 7000, "status": "SUCCESS"},
  {"txn": {"id": "9704361234567890123"}, "paid_time": "2026-03-01T08:15:00+07:00", "amount": 1250000, "status": "SUCCESS"},
  {"txn": {"id": "X9"}, "paid_time": "2026-03-01T09:09:00+07:00", "amount": 500000.5, "status": "SUCCESS"}
]
`;

describe('JSON settlement files', () => {
  it('reads an array of objects by key path, keeps numbers as written, and rejects broken records at their line', async () => {
    const r = await ingest({ 'GW_20260301.json': ARRAY });
    expect(r.sources).toEqual([{ file_name: 'GW_20260301.json', status: 'loaded', records_read: 9n, records_loaded: 2n, records_rejected: 6n, records_duplicate: 1n }]);
    expect(r.payments).toEqual([
      { txn_ref: '9704361234567890123', line_no: 2n, amount_vnd: 1250000n, customer_code: 'PE0100123456', memo: 'Thanh toán tiền điện, "T03"\nPE0100123456' },
      { txn_ref: '9704361234567890124', line_no: 10n, amount_vnd: 500000n, customer_code: 'PD0100000001', memo: null },
    ]);
    expect(r.rejects.map((x) => [x.line_no, x.reason, x.field, x.value])).toEqual([
      [11n, 'bad_amount', 'amount', '12a'],
      [12n, 'not_paid', 'status', 'FAILED'],
      [13n, 'column_count', null, null],
      [14n, 'column_count', null, null],
      [15n, 'column_count', null, null],
      [17n, 'bad_amount', 'amount', '500000.5'],
    ]);
    expect(r.rejects[2]!.message).toMatch(/GW_20260301\.json, line 13: not valid JSON: expected a key in quotes at character 38 .*expected a JSON object/);
    expect(r.rejects[2]!.raw).toBe('{"txn": {"id": "X5"}, "amount": 1000,, "status": "SUCCESS"}');
    expect(r.rejects[3]!.message).toContain('line 14: a JSON string, expected a JSON object (one record)');
    expect(r.rejects[4]!.message).toContain('the key "id" a second time in one object');
    // explain shows a record from the file: the whole object, over the lines it spans.
    const s = new Scratch();
    const path = s.file('GW_x.json', ARRAY);
    expect(await readSourceLine(path, 2)).toBe(ARRAY.split('\n').slice(1, 9).join('\n'));
    expect(await readSourceLine(path, 10)).toBe(ARRAY.split('\n')[9]);
  });

  it('reads one object per line (NDJSON), a broken line a reject and the next line read', async () => {
    const profile = withProfile({ ...JSON_PROFILE, format: { type: 'json', records: 'lines' } });
    const lines = [
      '{"txn":{"id":"N1"},"paid_time":"2026-03-01T08:00:00+07:00","amount":1000,"bill":{"customer_code":"PE0100123456"},"description":"a\\r\\nb\\rc","status":"SUCCESS"}',
      '',
      '{"txn":{"id":"N2"},"paid_time":"2026-03-01T08:00:00+07:00","amount":2000,"status":"SUCC',
      '{"txn":{"id":"N3"},"paid_time":"2026-03-01","amount":3000,"status":"SUCCESS"}',
      '{"txn":{"id":"N4"},"paid_time":"01/03/2026","amount":4000,"status":"SUCCESS"}',
      '{"txn":{"id":null},"paid_time":"2026-03-01T08:00:00+07:00","amount":5000,"status":"SUCCESS"}',
      '{}',
      '{"error":"timeout","code":504}',
    ];
    const r = await ingest({ 'GW_20260301.ndjson': `${lines.join('\r\n')}\r\n` }, profile);
    expect(r.sources).toEqual([{ file_name: 'GW_20260301.ndjson', status: 'loaded', records_read: 6n, records_loaded: 2n, records_rejected: 4n, records_duplicate: 0n }]);
    // Line ends inside a value are LF, as XLSX cells give them (a CR used to run two records into one reject).
    expect(r.payments.map((p) => [p.txn_ref, p.line_no, p.memo])).toEqual([['N1', 1n, 'a\nb\nc'], ['N3', 4n, null]]);
    expect(r.rejects.map((x) => [x.line_no, x.reason, x.field])).toEqual([[3n, 'column_count', null], [5n, 'bad_date', 'paid_at'], [6n, 'missing_field', 'txn_ref'], [8n, 'column_count', null]]);
    expect(r.rejects[0]!.message).toContain('line 3: not valid JSON: an unterminated or malformed string');
    expect(r.rejects[3]!.message).toContain('line 8: none of the keys the profile reads (txn.id, paid_time, amount, bill.customer_code, description, status) has a value in this record, expected a payment record; its keys are "error", "code"');
  });

  it('fails a file whose array is broken or truncated, naming the line, and loads the next file', async () => {
    const good = ARRAY.split('\n').slice(0, 10).join('\n').replace(/,$/, '\n]\n');
    const renamed = ARRAY.replaceAll('"txn"', '"transaction"');
    const r = await ingest({ 'GW_1.json': ARRAY.slice(0, ARRAY.length - 3), 'GW_2.json': `{"a": 1}\n`, 'GW_3.json': `${ARRAY}x\n`, 'GW_4.json': good, 'GW_5.json': renamed });
    expect(r.summary.files.map((f) => [f.path.replace(/.*\//, ''), f.status])).toEqual([['GW_1.json', 'failed'], ['GW_2.json', 'failed'], ['GW_3.json', 'failed'], ['GW_4.json', 'loaded'], ['GW_5.json', 'failed']]);
    expect(r.summary.files[4]!.message).toContain('GW_5.json: no record has the key "txn.id" that the profile\'s fields name');
    expect(r.summary.files[0]!.message).toContain('GW_1.json, line 17: the JSON array is never closed (the file is truncated?)');
    expect(r.summary.files[1]!.message).toContain('GW_2.json, line 1: expected a JSON array of records');
    expect(r.summary.files[2]!.message).toContain('GW_3.json, line 19: text after the array\'s closing "]"');
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['9704361234567890123', '9704361234567890124']);
    expect(r.rejects).toEqual([]); // a failed file's staged records are cut back out
  });

  it('refuses a JSON profile with a header of named columns by position, a preamble or a trailer', () => {
    expect(profileSchema.safeParse(JSON_PROFILE).success).toBe(true);
    for (const extra of [{ header: { type: 'none', columns: ['a'] } }, { preamble: { lines: 1 } }, { trailer: { match: '^x', count: { field: 1 } } }, { format: { type: 'json' } }]) {
      expect(profileSchema.safeParse({ ...JSON_PROFILE, ...extra }).success).toBe(false);
    }
  });

  it.each(['array', 'lines'] as const)('drafts a profile for a JSON file (%s) with `recon partners sniff`, fields by key path, which loads it', async (records) => {
    const rows = [
      { txn: { id: '9704361234567890123' }, paid_time: '2026-03-01T08:15:00+07:00', amount: '1250000.00', bill: { customer_code: 'PE0100123456' } },
      { txn: { id: '9704361234567890124' }, paid_time: '2026-03-01T09:15:00+07:00', amount: '500000.00', bill: { customer_code: 'PD0100000001' } },
    ].map((r) => JSON.stringify(r).replace(/"amount":"([0-9.]+)"/, '"amount":$1'));
    const s = new Scratch();
    const path = s.file('GWX_20260301.json', records === 'array' ? `[\n  ${rows.join(',\n  ')}\n]\n` : `${rows.join('\n')}\n`);
    const { _notes, ...draft } = (await sniffFile(path)) as Record<string, unknown> & { fields: Record<string, unknown> };
    expect(_notes).toBeDefined();
    expect(draft.format).toEqual({ type: 'json', records });
    expect(draft.fields).toEqual({
      txn_ref: { column: 'txn.id' }, paid_at: { column: 'paid_time', format: 'ISO' }, amount: { column: 'amount', format: { grouping: '', decimal: '.' } },
      customer_code: { column: 'bill.customer_code' },
    });
    expect(parseProfileFile(s.profile(draft)).problems).toEqual([]);
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(await db.all('SELECT txn_ref, line_no, amount_vnd, customer_code FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: '9704361234567890123', line_no: records === 'array' ? 2n : 1n, amount_vnd: 1250000n, customer_code: 'PE0100123456' },
      { txn_ref: '9704361234567890124', line_no: records === 'array' ? 3n : 2n, amount_vnd: 500000n, customer_code: 'PD0100000001' },
    ]);
    db.close();
  });

  it('rejects a record nested too deep for the parser, and reads the records around it', async () => {
    // 100,000 nested arrays overflowed the recursive parser's stack: the whole file failed with
    // "Maximum call stack size exceeded", naming no line, and the good records went with it.
    const deep = `{"txn":{"id":"D1"},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const good = ARRAY.split('\n').slice(0, 10).join('\n').replace(/,$/, `,\n${deep}\n]\n`);
    const r = await ingest({ 'GW_deep.json': good });
    expect(r.sources).toEqual([{ file_name: 'GW_deep.json', status: 'loaded', records_read: 3n, records_loaded: 2n, records_rejected: 1n, records_duplicate: 0n }]);
    expect(r.rejects.map((x) => [x.line_no, x.reason])).toEqual([[11n, 'column_count']]);
    expect(r.rejects[0]!.message).toContain('GW_deep.json, line 11: not valid JSON: objects and arrays nested more than 512 deep at character');
    expect(() => parseJson(`${'['.repeat(512)}${']'.repeat(512)}`)).not.toThrow();
  });

  it('parses JSON as RFC 8259 does, numbers kept as text', () => {
    expect(parseJson(' {"a": [1, -2.50e3, true, null, "\\u00e9"]} ')).toEqual({ a: [{ text: '1' }, { text: '-2.50e3' }, true, null, 'é'] });
    for (const bad of ['{"a":1,}', '[1 2]', '{"a" 1}', '01', '"a\tb"', '{"a":1}x', "{'a':1}"]) expect(() => parseJson(bad)).toThrow();
  });
});

describe('a minified JSON array on one line', () => {
  it('is streamed in pieces, not gathered whole, and every record loads with line 1', async () => {
    // 30,000 records ≈ 5 MB on one physical line: more than one 4 MiB read, with accented memos
    // (multi-byte characters) wherever the pieces are cut.
    const n = 30_000;
    const records = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ txn: { id: `T${i}` }, paid_time: '2026-03-01T08:15:00+07:00', amount: 10_000 + i, bill: { customer_code: 'PE0100123456' }, description: `Thanh toán tiền điện kỳ 03 số ${i}`, status: 'SUCCESS' }),
    );
    const text = `[${records.join(',')}]`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(4.5 * 2 ** 20);
    const s = new Scratch();
    const path = s.file('GW_one_line.json', text);
    const pieces: Buffer[] = [];
    for await (const piece of decodeFile(path, 'utf-8', 'GW_one_line.json')) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).toString('utf8')).toBe(text);
    const { payments, rejects, sources } = await ingest({ 'GW_one_line.json': text });
    expect(rejects).toEqual([]);
    expect(sources).toEqual([expect.objectContaining({ records_read: BigInt(n), records_loaded: BigInt(n) })]);
    expect(payments).toHaveLength(n);
    expect(payments[n - 1]).toMatchObject({ txn_ref: `T${n - 1}`, line_no: 1n, amount_vnd: BigInt(10_000 + n - 1), memo: `Thanh toán tiền điện kỳ 03 số ${n - 1}` });
  }, 60_000);

  it('is cut between whole characters in UTF-16 and Windows-1258 too, composed as one text', async () => {
    // Decomposed Vietnamese (base letter + combining mark) across 5 MB of one line: every cut must
    // fall where NFC composes nothing across it.
    const line = 'Nguye\u0302\u0303n Thi\u0323 Hu\u031Bo\u031Bng tra\u0309 tie\u0302\u0300n ddie\u0323\u0302n; '.repeat(90_000);
    const s = new Scratch();
    const path = s.file('one_line_utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line, 'utf16le')]));
    const pieces: Buffer[] = [];
    for await (const piece of decodeFile(path, 'utf-16le', 'one_line_utf16.txt')) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).toString('utf8')).toBe(line.normalize('NFC'));
  }, 60_000);
});

describe('records inside an envelope object (format.path)', () => {
  const profile = withProfile({ ...JSON_PROFILE, format: { type: 'json', records: 'array', path: 'data' } });
  const record = (id: string, amount: string) =>
    `{"txn": {"id": "${id}"}, "paid_time": "2026-03-01T08:15:00+07:00", "amount": ${amount}, "bill": {"customer_code": "PE0100123456"}, "status": "SUCCESS"}`;

  it('finds the array at the key path past other keys of any value, reads its records at their lines, and skips the keys after it', async () => {
    const text = [
      '{',
      '  "code": "00", "message": "a \\"quoted\\" ] } [ {",',
      '  "meta": {"page": [1, {"of": 2}], "data": "not this one"},',
      '  "data": [',
      `    ${record('E1', '1250000')},`,
      `    ${record('E2', '"12a"')},`,
      `    ${record('E3', '500000')}`,
      '  ],',
      '  "summary": {"count": 3, "note": "}]"}',
      '}',
      '',
    ].join('\n');
    const r = await ingest({ 'GW_20260301.json': text }, profile);
    expect(r.sources).toEqual([{ file_name: 'GW_20260301.json', status: 'loaded', records_read: 3n, records_loaded: 2n, records_rejected: 1n, records_duplicate: 0n }]);
    expect(r.payments.map((p) => [p.txn_ref, p.line_no, p.amount_vnd])).toEqual([['E1', 5n, 1250000n], ['E3', 7n, 500000n]]);
    expect(r.rejects.map((x) => [x.line_no, x.reason, x.value])).toEqual([[6n, 'bad_amount', '12a']]);
  });

  it('follows a nested path, on one line too', async () => {
    const nested = withProfile({ ...JSON_PROFILE, format: { type: 'json', records: 'array', path: 'result.items' } });
    const r = await ingest({ 'GW_20260301.json': `{"result":{"total":2,"items":[${record('N1', '1000')},${record('N2', '2000')}]},"ok":true}` }, nested);
    expect(r.payments.map((p) => [p.txn_ref, p.line_no])).toEqual([['N1', 1n], ['N2', 1n]]);
  });

  it('fails a file whose envelope has no such key, holds no array there, or is cut short, saying what was expected', async () => {
    const r = await ingest({
      'GW_1.json': `{"code": "00",\n "items": [${record('X1', '1000')}]}\n`,
      'GW_2.json': `{"data": {"rows": []}}\n`,
      'GW_3.json': `[${record('X3', '1000')}]\n`,
      'GW_4.json': `{"data": [${record('X4', '1000')}]\n`,
      'GW_5.json': `{"data": [${record('X5', '1000')}]} x\n`,
    }, profile);
    expect(r.summary.files.map((f) => f.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(r.summary.files[0]!.message).toContain('GW_1.json, line 2: the top-level object has no key "data", expected the array of records at "data"');
    expect(r.summary.files[1]!.message).toContain('GW_2.json, line 1: "data" holds "{\\"rows\\": []}", expected the array of records ("[")');
    expect(r.summary.files[2]!.message).toContain('GW_3.json, line 1: expected an object ("{") first, as format.path says the records stand inside one, got "["');
    expect(r.summary.files[3]!.message).toContain('GW_4.json, line 2: the object around the array of records is never closed');
    expect(r.summary.files[4]!.message).toContain('GW_5.json, line 1: text after the envelope\'s closing "}"');
    expect(r.payments).toEqual([]);
  });

  it('is drafted by `recon partners sniff` with its path, and the draft loads the file', async () => {
    const s = new Scratch();
    const path = s.file('GWE_20260301.json', `{\n  "code": "00",\n  "meta": {"page": 1},\n  "data": [\n    ${record('S1', '1250000')},\n    ${record('S2', '500000')}\n  ],\n  "total": 2\n}\n`);
    const { _notes, ...draft } = (await sniffFile(path)) as Record<string, unknown> & { fields: Record<string, unknown> };
    expect(_notes).toBeDefined();
    expect(draft.format).toEqual({ type: 'json', records: 'array', path: 'data' });
    expect(draft.fields).toMatchObject({ txn_ref: { column: 'txn.id' }, amount: { column: 'amount' } });
    expect(parseProfileFile(s.profile(draft)).problems).toEqual([]);
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(await db.all('SELECT txn_ref, line_no FROM payments ORDER BY line_no')).toEqual([{ txn_ref: 'S1', line_no: 5n }, { txn_ref: 'S2', line_no: 6n }]);
    db.close();
  });

  it('is drafted with a nested path (data.items) one object down, and the draft loads the file', async () => {
    const s = new Scratch();
    const path = s.file(
      'GWN_20260301.json',
      `{"code":"00","message":"OK","data":{"page":{"no":1,"size":50},"totalCount":2,"items":[\n  ${record('N1', '1250000')},\n  ${record('N2', '500000')}\n]}}\n`,
    );
    const { _notes, ...draft } = (await sniffFile(path)) as Record<string, unknown> & { fields: Record<string, unknown> };
    expect(_notes).toBeDefined();
    expect(draft.format).toEqual({ type: 'json', records: 'array', path: 'data.items' });
    expect(parseProfileFile(s.profile(draft)).problems).toEqual([]);
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(await db.all('SELECT txn_ref, line_no FROM payments ORDER BY line_no')).toEqual([{ txn_ref: 'N1', line_no: 2n }, { txn_ref: 'N2', line_no: 3n }]);
    db.close();
  });

  it('drafts one record per line, not an envelope, when each line is an object holding its own array of objects', async () => {
    const s = new Scratch();
    const line = (id: string) => JSON.stringify({ txn: { id }, paid_time: '2026-03-01T08:15:00+07:00', amount: 100000, bills: [{ no: 'A1', amount: 100000 }] });
    const path = s.file('GWL_20260301.jsonl', `${line('L1')}\n${line('L2')}\n`);
    const draft = (await sniffFile(path)) as Record<string, unknown>;
    expect(draft.format).toEqual({ type: 'json', records: 'lines' });
  });

  it('checks the totals the envelope states (trailer regexes over its text) and quarantines a file whose count disagrees', async () => {
    const totals = withProfile({
      ...JSON_PROFILE,
      format: { type: 'json', records: 'array', path: 'data' },
      trailer: { count: { regex: '"totalCount"\\s*:\\s*(\\d+)' }, amount: { regex: '"totalAmount"\\s*:\\s*"?([\\d.]+)' } },
    });
    expect(profileSchema.safeParse(totals).success).toBe(true);
    const file = (count: number, amount: string) =>
      `{"totalCount": ${count}, "data": [\n${record('T1', '1000000')},\n${record('T2', '750000')}\n], "totalAmount": ${amount}}\n`;
    const r = await ingest({ 'GW_1.json': file(2, '1750000'), 'GW_2.json': file(3, '1750000'), 'GW_3.json': file(2, '"1750001"') }, totals);
    expect(r.sources.map((f) => [f.file_name, f.status])).toEqual([['GW_1.json', 'loaded'], ['GW_2.json', 'quarantined'], ['GW_3.json', 'quarantined']]);
    expect(r.summary.files[1]!.message).toContain('GW_2.json, line 1: trailer states 3 records, the file has 2');
    expect(r.summary.files[2]!.message).toContain('GW_3.json, line 1: trailer states a total of 1750001 đồng, the records sum to 1750000');
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['T1', 'T2']);
    // Totals need the envelope and regexes: no field numbers, no match line.
    expect(profileSchema.safeParse({ ...totals, format: { type: 'json', records: 'array' } }).success).toBe(false);
    expect(profileSchema.safeParse({ ...totals, trailer: { count: { field: 1 } } }).success).toBe(false);
  });

  it('checks the totals a file of one object per line states on a summary line (trailer.match finds it), which is no record', async () => {
    const lines = withProfile({
      ...JSON_PROFILE,
      format: { type: 'json', records: 'lines' },
      trailer: { match: '^\\{"summary"', count: { regex: '"count"\\s*:\\s*(\\d+)' }, amount: { regex: '"amount"\\s*:\\s*(\\d+)' } },
    });
    expect(profileSchema.safeParse(lines).success).toBe(true);
    const body = [record('T1', '1000000'), record('T2', '750000'), record('T3', '99000').replace('SUCCESS', 'FAILED')];
    const summary = (count: number, amount: number) => `{"summary":{"count":${count},"amount":${amount}}}`;
    const r = await ingest({
      'GW_1.ndjson': [...body, summary(3, 1849000), ''].join('\n'), // every listed record, the failed attempt too
      'GW_2.ndjson': [summary(3, 1849000), ...body.map((b) => b.replace(/"T(\d)"/, '"U$1"')), ''].join('\n'), // the summary first
      'GW_3.ndjson': [...body.map((b) => b.replace(/"T(\d)"/, '"V$1"')), summary(2, 1750000), ''].join('\n'), // counted the completed ones only
      'GW_4.ndjson': [...body.map((b) => b.replace(/"T(\d)"/, '"W$1"')), ''].join('\n'), // cut before its summary
    }, lines);
    expect(r.sources.map((f) => [f.file_name, f.status, f.records_read, f.records_loaded, f.records_rejected])).toEqual([
      ['GW_1.ndjson', 'loaded', 3n, 2n, 1n], ['GW_2.ndjson', 'loaded', 3n, 2n, 1n], ['GW_3.ndjson', 'quarantined', 3n, 0n, 1n], ['GW_4.ndjson', 'quarantined', 3n, 0n, 1n],
    ]);
    expect(r.summary.files[2]!.message).toContain('GW_3.ndjson, line 4: trailer states 2 records, the file has 3');
    expect(r.summary.files[3]!.message).toContain('GW_4.ndjson: no trailer/total row found');
    expect(r.rejects.map((x) => [x.line_no, x.reason])).toEqual([[3n, 'not_paid'], [4n, 'not_paid'], [3n, 'not_paid'], [3n, 'not_paid']]);
    // The summary line needs match; field numbers stay refused.
    expect(profileSchema.safeParse({ ...lines, trailer: { count: { regex: '(\\d+)' } } }).success).toBe(false);
    expect(profileSchema.safeParse({ ...lines, trailer: { match: '^\\{"summary"', count: { field: 1 } } }).success).toBe(false);
  });

  it('is drafted by `recon partners sniff` with its summary line as the trailer, not sampled as a record, and the draft loads the file', async () => {
    const s = new Scratch();
    const path = s.file('GWS_20260301.jsonl', [record('Q1', '1250000'), record('Q2', '500000'), record('Q3', '842300'), '{"summary":{"totalCount":3,"totalAmount":2592300}}', ''].join('\n'));
    const { _notes, ...draft } = (await sniffFile(path)) as Record<string, unknown> & { fields: Record<string, unknown>; _notes: Record<string, unknown> };
    expect(_notes.trailer).toMatch(/^the last line, keys summary\.totalCount, summary\.totalAmount, shares no key with the records/);
    expect(draft.trailer).toEqual({ match: '^\\{\\s*"summary"', count: { regex: '"totalCount"\\s*:\\s*"?(\\d+)' }, amount: { regex: '"totalAmount"\\s*:\\s*"?(\\d+)' } });
    expect(draft.fields).toMatchObject({ txn_ref: { column: 'txn.id' }, amount: { column: 'amount' } }); // not summary.totalAmount
    expect(parseProfileFile(s.profile(draft)).problems).toEqual([]);
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(await db.all('SELECT status, records_read, records_loaded, control_count, control_amount FROM source_files')).toEqual([
      { status: 'loaded', records_read: 3n, records_loaded: 3n, control_count: 3n, control_amount: 2592300n },
    ]);
    db.close();
  });

  it('refuses a path with one object per line, or that is not a dotted key path', () => {
    expect(profileSchema.safeParse(profile).success).toBe(true);
    expect(profileSchema.safeParse({ ...profile, format: { type: 'json', records: 'lines', path: 'data' } }).success).toBe(false);
    expect(profileSchema.safeParse({ ...profile, format: { type: 'json', records: 'array', path: 'data..rows' } }).success).toBe(false);
  });
});

describe('JSON amounts with an exponent', () => {
  it("reads Java BigDecimal's 1.25E+6 as the exact whole amount it is, rejects a fraction so written as written, and keeps an id in exponent form a bad_ref", async () => {
    const r = await ingest({
      'GW_1.json': `[
{"txn": {"id": "E1"}, "paid_time": "2026-03-01T08:00:00+07:00", "amount": 1.25E+6, "status": "SUCCESS"},
{"txn": {"id": "E2"}, "paid_time": "2026-03-01T08:01:00+07:00", "amount": 8.423e5, "status": "SUCCESS"},
{"txn": {"id": "E3"}, "paid_time": "2026-03-01T08:02:00+07:00", "amount": 12500000E-1, "status": "SUCCESS"},
{"txn": {"id": "E4"}, "paid_time": "2026-03-01T08:03:00+07:00", "amount": 1.5E-1, "status": "SUCCESS"},
{"txn": {"id": 1.23457E+15}, "paid_time": "2026-03-01T08:04:00+07:00", "amount": 1000, "status": "SUCCESS"},
{"txn": {"id": 1.2345678901234567E19}, "paid_time": "2026-03-01T08:05:00+07:00", "amount": 1000, "status": "SUCCESS"},
{"txn": {"id": 1E19}, "paid_time": "2026-03-01T08:06:00+07:00", "amount": 1000, "status": "SUCCESS"},
{"txn": {"id": "1.23457e18"}, "paid_time": "2026-03-01T08:07:00+07:00", "amount": 1000, "status": "SUCCESS"},
{"txn": {"id": "9E1A2026"}, "paid_time": "2026-03-01T08:08:00+07:00", "amount": 1000, "status": "SUCCESS"},
{"txn": {"id": 9123456789012345.0}, "paid_time": "2026-03-01T08:09:00+07:00", "amount": 1000, "status": "SUCCESS"}
]
`,
    });
    // Every exponent form of an id is a bad_ref (Java's Double.toString writes E19, no plus), as is
    // a whole number past 2^53 with a .0 fraction (a float64 written by Python); an id merely holding an E among
    // other characters is an id.
    expect(r.payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['E1', 1250000n], ['E2', 842300n], ['E3', 1250000n], ['9E1A2026', 1000n]]);
    expect(r.rejects.map((j) => [j.line_no, j.reason, j.field, j.value])).toEqual([
      [5n, 'bad_amount', 'amount', '1.5E-1'], [6n, 'bad_ref', 'txn_ref', '1.23457E+15'], [7n, 'bad_ref', 'txn_ref', '1.2345678901234567E19'],
      [8n, 'bad_ref', 'txn_ref', '1E19'], [9n, 'bad_ref', 'txn_ref', '1.23457e18'], [11n, 'bad_ref', 'txn_ref', '9123456789012345.0'],
    ]);
  });
});
