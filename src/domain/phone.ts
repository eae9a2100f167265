/**
 * Mobile numbers of contact persons. Norwegian mobiles are 8 digits starting with
 * 4 or 9 (Nkom numbering plan), optionally prefixed +47 or 0047. Foreign numbers
 * must be given in E.164 (+ country code, up to 15 digits). The stored form is
 * always E.164 so SMS gateways and humans read the same thing.
 */
export function normalizeMobile(raw: string): string | null {
  const compact = raw.replace(/[\s\u00a0\-().]/g, '');
  const norwegian = /^(?:\+47|0047)?([49]\d{7})$/.exec(compact);
  if (norwegian) return `+47${norwegian[1]}`;
  const international = /^(?:\+|00)([1-9]\d{6,14})$/.exec(compact);
  if (international) {
    // +47 numbers that are not 8-digit mobiles are not mobile numbers.
    if (international[1]!.startsWith('47')) return null;
    return `+${international[1]}`;
  }
  return null;
}
