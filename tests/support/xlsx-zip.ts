// Workbooks as other writers lay them out, made from one exceljs writes: parts edited, entries
// stored uncompressed, workbook.xml moved. JSZip comes with exceljs (its writer); no test framework
// here, so fixture generators (tests/ingest/fixtures/sweep2/gen.mts) can import it too.
import JSZip from 'jszip';

export interface ZipEdit {
  /** New text of a part (its name, e.g. xl/workbook.xml), or undefined to keep it. */
  edit?: (name: string, text: string) => string | undefined;
  /** Store entries uncompressed (method 0), as some minimal writers do. */
  stored?: boolean;
}

/** Rewrites a workbook's zip: parts edited, entries in their order, optionally stored. */
export async function rewriteXlsx(workbook: ArrayBuffer | Buffer, { edit, stored }: ZipEdit): Promise<Buffer> {
  const zip = await JSZip.loadAsync(workbook);
  for (const name of Object.keys(zip.files)) {
    const file = zip.file(name);
    if (!file || !edit) continue;
    const changed = edit(name, await file.async('string'));
    if (changed !== undefined) zip.file(name, changed);
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: stored ? 'STORE' : 'DEFLATE' });
}

/** A workbook.xml whose tabs show the sheet named `name` last (its part, sheetN.xml, keeps its place in the zip). */
export const moveTabLast = (xml: string, name: string): string => {
  const tag = new RegExp(`<sheet [^>]*name="${name}"[^>]*/>`).exec(xml)![0];
  return xml.replace(tag, '').replace('</sheets>', `${tag}</sheets>`);
};

/** Relationship targets written from the package root (`/xl/worksheets/sheet1.xml`), as openpyxl writes them. */
export const absoluteTargets = (rels: string): string => rels.replace(/Target="(?!\/)/g, 'Target="/xl/');
