import { readFileSync } from 'node:fs';
import path from 'node:path';
import { format, LOCALES, type Locale } from '../domain/locale.js';

export type Messages = Record<string, string>;
export type Catalog = Record<Locale, Messages>;

/** Loads src/web/locales/{nb,nn,en}.json; every key must exist in every locale. */
export function loadCatalog(root: string): Catalog {
  const catalog = {} as Catalog;
  for (const locale of LOCALES) {
    catalog[locale] = JSON.parse(readFileSync(path.join(root, 'src/web/locales', `${locale}.json`), 'utf8')) as Messages;
  }
  const reference = Object.keys(catalog.nb);
  for (const locale of LOCALES) {
    const missing = reference.filter((key) => !(key in catalog[locale]));
    const extra = Object.keys(catalog[locale]).filter((key) => !(key in catalog.nb));
    if (missing.length || extra.length) {
      throw new Error(`locale ${locale}: missing ${missing.join(', ') || '-'}; extra ${extra.join(', ') || '-'}`);
    }
  }
  return catalog;
}

export function translate(catalog: Catalog, locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const template = catalog[locale][key];
  // A missing key is a bug; show the key so it is seen and fixed, never crash the page.
  return template === undefined ? key : format(template, params);
}
