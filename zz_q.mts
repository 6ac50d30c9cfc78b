import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'true' });
const c = await inst.connect();
const f = process.argv[2]!;
for (const sql of [
  `SELECT count(*) AS n, count(*) FILTER (WHERE c8 LIKE '%' || chr(10) || '%') AS ml, count(*) FILTER (WHERE c8 LIKE '%' || chr(13) || '%') AS cr FROM read_csv('${f}', delim=',', quote='"', escape='"', header=false, skip=6, auto_detect=false, columns={'c1':'VARCHAR','c2':'VARCHAR','c3':'VARCHAR','c4':'VARCHAR','c5':'VARCHAR','c6':'VARCHAR','c7':'VARCHAR','c8':'VARCHAR','c9':'VARCHAR'}, store_rejects=true, strict_mode=true, null_padding=false, max_line_size=2097152)`,
  `SELECT count(*) FROM reject_errors`,
  `SELECT line, error_type, left(csv_line, 80) FROM reject_errors LIMIT 5`,
]) { const t0 = performance.now(); const r = await c.runAndReadAll(sql); console.log(((performance.now()-t0)/1000).toFixed(2), JSON.stringify(r.getRowObjectsJS(), (k, v) => typeof v === 'bigint' ? Number(v) : v)); }
