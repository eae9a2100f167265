import { describe, expect, it } from 'vitest';
import { isValidOrganizationNumber, normalizeOrganizationNumber, organizationNumberCheckDigit } from '../../src/domain/organization-number.js';

describe('organisation number MOD11', () => {
  it.each([
    ['991825827', true, 'Digdir'],
    ['974760673', true, 'Registerenheten i Brønnøysund'],
    ['123456785', true, "Brreg's worked example"],
    ['100101696', true, 'synthetic test organisation (starts with 1)'],
    ['991825828', false, 'wrong check digit'],
    ['99182582', false, 'eight digits'],
    ['9918258270', false, 'ten digits'],
    ['99182582a', false, 'letter'],
    ['', false, 'empty'],
    ['123456700', false, 'check digit 10 is impossible (remainder 1)'],
  ])('%s → %s (%s)', (value, expected) => {
    expect(isValidOrganizationNumber(value)).toBe(expected);
  });

  it('computes the check digit with weights 3,2,7,6,5,4,3,2 and remainder 0 → 0', () => {
    expect(organizationNumberCheckDigit('12345678')).toBe(5);
    expect(organizationNumberCheckDigit('99182582')).toBe(7);
    // 1234567 + x where the weighted sum is divisible by 11 gives check digit 0.
    const zero = Array.from({ length: 10 }, (_, d) => `0000000${d}`).find((s) => organizationNumberCheckDigit(s) === 0);
    expect(zero).toBe('00000000');
    expect(organizationNumberCheckDigit('12345670')).toBeNull();
  });

  it('strips the spaces people type and nothing else', () => {
    expect(normalizeOrganizationNumber('991 825 827')).toBe('991825827');
    expect(normalizeOrganizationNumber('991-825-827')).toBe('991-825-827');
  });
});
