// How a column name a profile writes is compared with a file's header cell (and with another
// profile key naming a column): one normal form for both sides.

/**
 * A column name as profiles and headers are compared: NFC, lower case, no BOM or zero-width space, every run of white space
 * (a line break of a wrapped header cell, a no-break space, doubled spaces) one space, trimmed:
 * a header written `Số tiền⏎(VND)` or `Mã␣KH` with a no-break space is the column "Số tiền (VND)" / "Mã KH".
 */
export function normaliseName(s: string): string {
  // Byte-order marks and zero-width spaces are invisible: a header assembled from a preamble and a
  // CSV that kept its BOM (`…\n\uFEFFMã GD,…`) names the column "Mã GD" all the same.
  return s.normalize('NFC').replace(/[\uFEFF\u200B]/gu, '').replace(/\s+/gu, ' ').trim().toLowerCase();
}
