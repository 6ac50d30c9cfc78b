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

/** A zip archive of the given files (an .ods is one with a `mimetype` entry first, as LibreOffice writes it). */
export async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(files)) zip.file(name, text, { compression: name === 'mimetype' ? 'STORE' : 'DEFLATE' });
  return zip.generateAsync({ type: 'nodebuffer' });
}

/**
 * The container of a password-protected Excel workbook, as far as telling one apart needs: an OLE2
 * compound file whose directory lists EncryptionInfo and EncryptedPackage (the encrypted .xlsx), no
 * real encrypted content.
 */
export function encryptedWorkbookStub(): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e); // 512-byte sectors
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(1, 0x30); // the directory in sector 1
  header.writeUInt32LE(0xfffffffe, 0x3c);
  header.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0);
  fat.writeUInt32LE(0xfffffffe, 4);
  const dir = Buffer.alloc(512);
  ['Root Entry', 'EncryptionInfo', 'EncryptedPackage', '\u0006DataSpaces'].forEach((n, i) => {
    const name = Buffer.from(`${n}\0`, 'utf16le');
    name.copy(dir, i * 128);
    dir.writeUInt16LE(name.length, i * 128 + 0x40);
    dir.writeUInt8(i === 0 ? 5 : 2, i * 128 + 0x42);
  });
  return Buffer.concat([header, fat, dir, Buffer.alloc(512)]);
}
