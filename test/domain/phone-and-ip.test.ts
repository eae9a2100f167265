import { describe, expect, it } from 'vitest';
import { isValidIpOrCidr } from '../../src/domain/ip-address.js';
import { normalizeMobile } from '../../src/domain/phone.js';

describe('mobile numbers', () => {
  it.each([
    ['91234567', '+4791234567'],
    ['41234567', '+4741234567'],
    ['+4791234567', '+4791234567'],
    ['004791234567', '+4791234567'],
    ['912 34 567', '+4791234567'],
    ['+47 912 34 567', '+4791234567'],
    ['+46701234567', '+46701234567'],
    ['0046701234567', '+46701234567'],
    ['+4922112345678', '+4922112345678'],
  ])('%s is accepted as %s', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });

  it.each([
    ['22334455', 'Norwegian landline (starts with 2)'],
    ['51234567', 'Norwegian number starting with 5'],
    ['9123456', 'seven digits'],
    ['912345678', 'nine digits'],
    ['+4722334455', '+47 landline'],
    ['+47912345678', '+47 with nine digits'],
    ['+12', 'too short for E.164'],
    ['+1234567890123456', 'longer than 15 digits'],
    ['abc', 'letters'],
    ['', 'empty'],
  ])('%s is rejected (%s)', (input) => {
    expect(normalizeMobile(input)).toBeNull();
  });
});

describe('DPV IP addresses', () => {
  it.each(['192.0.2.10', '192.0.2.0/24', '0.0.0.0/0', '2001:db8::1', '2001:db8::/64', '::1/128'])('%s is valid', (value) => {
    expect(isValidIpOrCidr(value)).toBe(true);
  });
  it.each(['192.0.2.256', '192.0.2.0/33', '2001:db8::/129', 'example.no', '192.0.2.1/24/1', '192.0.2.1/', '192.0.2.1/x', ''])(
    '%s is invalid',
    (value) => {
      expect(isValidIpOrCidr(value)).toBe(false);
    },
  );
});
