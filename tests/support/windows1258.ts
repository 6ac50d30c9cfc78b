// Windows-1258 test data, as Vietnamese software writes it; no test framework here, so scripts
// that generate fixtures (tests/ingest/fixtures/sweep/gen.mts) can import it too.
/**
 * Encodes text as Windows-1258 the way Vietnamese software does: precomposed base letters
 * (â, ơ, …) plus a combining tone mark. (iconv-lite cannot decompose and writes "?".)
 */
export function encodeWindows1258(text: string): Buffer {
  const table = new Map<string, number>();
  const dec = new TextDecoder('windows-1258');
  for (let b = 0; b < 256; b++) table.set(dec.decode(Uint8Array.of(b)), b);
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const direct = table.get(ch);
    if (direct !== undefined) {
      out.push(direct);
      continue;
    }
    const [base, ...marks] = [...ch.normalize('NFD')];
    // Compose the base with its vowel mark (circumflex, breve, horn); the tone mark stays combining.
    const vowel = marks.find((m) => m === '\u0302' || m === '\u0306' || m === '\u031b');
    const head = vowel ? `${base}${vowel}`.normalize('NFC') : base!;
    const rest = marks.filter((m) => m !== vowel);
    for (const c of [head, ...rest]) {
      const b = table.get(c);
      if (b === undefined) throw new Error(`cannot encode ${JSON.stringify(c)} in windows-1258`);
      out.push(b);
    }
  }
  return Buffer.from(out);
}
