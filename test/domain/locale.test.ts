import { describe, expect, it } from 'vitest';
import { negotiateLocale } from '../../src/domain/locale.js';

describe('Accept-Language negotiation', () => {
  it.each([
    [undefined, 'nb'],
    ['', 'nb'],
    ['en', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['nb-NO', 'nb'],
    ['no', 'nb'],
    ['nn-NO,nb;q=0.8', 'nn'],
    ['nb;q=0.5,en;q=0.9', 'en'],
    ['de-DE,fr', 'nb'],
    ['de,en;q=0.1', 'en'],
    ['en;q=0', 'nb'],
  ])('%s → %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});
