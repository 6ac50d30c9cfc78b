// Identifiers per DOMAIN.md: power corporations and their code prefixes, local units, customer
// codes, e-invoice series and ids. Every real customer code carries a Damm check digit over all
// its digits, so a single-digit substitution or an adjacent transposition can never produce another
// real code: a mistyped code is unknown by construction. Unknown codes use unit letters "XX", which
// no real unit has, so no real code is one edit away from them.
import type { Rng } from './random.ts';

export const PCS = ['EVNNPC', 'EVNSPC', 'EVNCPC', 'EVNHANOI', 'EVNHCMC'] as const;
export type Pc = (typeof PCS)[number];

/** Share of customers per PC (NPC and SPC are the largest). */
export const PC_SHARE: Record<Pc, number> = { EVNNPC: 0.33, EVNSPC: 0.3, EVNCPC: 0.16, EVNHANOI: 0.11, EVNHCMC: 0.1 };

export const PC_PREFIXES: Record<Pc, readonly string[]> = {
  EVNNPC: ['PA', 'PH', 'PM', 'PN'],
  EVNSPC: ['PB', 'PK'],
  EVNCPC: ['PC', 'PP', 'PQ'],
  EVNHANOI: ['PD'],
  EVNHCMC: ['PE'],
};

/** The PC whose prefix starts `code`, or undefined. */
export function pcOfCode(code: string): Pc | undefined {
  const prefix = code.slice(0, 2);
  return PCS.find((pc) => PC_PREFIXES[pc].includes(prefix));
}

const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1], [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/** Damm check digit over the digits of `s` (letters ignored); 0 when `s` already ends valid. */
export function dammOf(s: string): number {
  let interim = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) interim = DAMM[interim]![c]!;
  }
  return interim;
}

/** A local power unit: its 6-character code and the width of the serial part of its codes. */
export interface Unit {
  code: string;
  pc: Pc;
  serialDigits: number;
}

const UNIT_LETTERS = 'ABCDEGHKLMNPQRSTVY'; // no X: "XX" marks unknown codes

/**
 * The units of every PC, enough that none exceeds its serial space at N customers. Regional PCs
 * write 13-character codes (PA03HL + 6-digit serial + check), the two city PCs 12 (PE0100 + 5 + 1).
 */
export function makeUnits(customers: number): Unit[] {
  const units: Unit[] = [];
  for (const pc of PCS) {
    const prefixes = PC_PREFIXES[pc];
    const city = pc === 'EVNHANOI' || pc === 'EVNHCMC';
    const perUnit = city ? 40_000 : 300_000;
    const count = Math.max(city ? 3 : 2 * prefixes.length, Math.ceil((customers * PC_SHARE[pc] * 1.2) / perUnit));
    for (let j = 0; j < count; j++) {
      const prefix = prefixes[j % prefixes.length]!;
      const n = Math.floor(j / prefixes.length) + 1;
      const code = city
        ? `${prefix}${String(n).padStart(2, '0')}00`
        : `${prefix}${String(n).padStart(2, '0')}${UNIT_LETTERS[(j * 7) % UNIT_LETTERS.length]}${UNIT_LETTERS[(j * 11 + 3) % UNIT_LETTERS.length]}`;
      units.push({ code, pc, serialDigits: city ? 5 : 6 });
    }
  }
  return units;
}

/** The customer code of the `serial`-th customer of a unit. */
export function customerCode(unit: Unit, serial: number): string {
  const body = unit.code + String(serial).padStart(unit.serialDigits, '0');
  return body + String(dammOf(body));
}

/**
 * One substitution of a digit, or one transposition of two adjacent different digits, in the
 * digit part of the code. The result fails the check digit, so it is no real customer's code.
 */
export function mistype(code: string, rng: Rng): string {
  const digits: number[] = [];
  for (let i = 2; i < code.length; i++) if (code[i]! >= '0' && code[i]! <= '9') digits.push(i);
  if (rng.chance(0.5)) {
    const swaps = digits.filter((i) => digits.includes(i + 1) && code[i] !== code[i + 1]);
    if (swaps.length > 0) {
      const i = rng.pick(swaps);
      return code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
    }
  }
  const i = rng.pick(digits);
  const d = (Number(code[i]) + rng.int(1, 9)) % 10;
  return code.slice(0, i) + String(d) + code.slice(i + 1);
}

/** A well-shaped code of no customer: regional prefix, unit letters "XX". */
export function unknownCode(rng: Rng): string {
  const prefix = rng.pick(['PA', 'PH', 'PB', 'PC', 'PK', 'PQ']);
  const body = `${prefix}${String(rng.int(1, 40)).padStart(2, '0')}XX${String(rng.int(0, 999_999)).padStart(6, '0')}`;
  return body + String(dammOf(body));
}

/** E-invoice series (Decree 123/2020): form 1, C/K, 2-digit year, T, two letters. */
export function invoiceSeries(year: number): string {
  return `1K${String(year % 100).padStart(2, '0')}TAA`;
}

/** The billing system's invoice id: YYMM of the period and a running number. */
export function invoiceId(period: string, n: number): string {
  return `${period.slice(2, 4)}${period.slice(5, 7)}${String(n).padStart(8, '0')}`;
}
