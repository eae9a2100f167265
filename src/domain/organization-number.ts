/**
 * Norwegian organisation numbers (organisasjonsnummer): 9 digits, the last one a
 * MOD11 check digit over the first eight with weights 3,2,7,6,5,4,3,2.
 * Remainder 0 gives check digit 0; a computed check digit of 10 means the number
 * cannot exist (Brønnøysundregistrene never issues it).
 */
const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/** Removes the spaces people type ("991 825 827"); nothing else is forgiven. */
export function normalizeOrganizationNumber(raw: string): string {
  return raw.replace(/[\s\u00a0]/g, '');
}

export function organizationNumberCheckDigit(firstEight: string): number | null {
  if (!/^\d{8}$/.test(firstEight)) return null;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(firstEight[i]) * WEIGHTS[i]!;
  const remainder = sum % 11;
  if (remainder === 0) return 0;
  const check = 11 - remainder;
  return check === 10 ? null : check;
}

export function isValidOrganizationNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const check = organizationNumberCheckDigit(value.slice(0, 8));
  return check !== null && check === Number(value[8]);
}
