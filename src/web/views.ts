import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { STEP_IDS, stepTitle, type StepId } from '../domain/checklist.js';
import Handlebars from 'handlebars';
import type { Locale } from '../domain/locale.js';
import { translate, type Catalog } from './i18n.js';

/**
 * Server-rendered pages. Handlebars escapes every {{value}}; the only triple-stash
 * is the layout's {{{body}}}, which is our own rendered view, never user data.
 */
export interface PageContext {
  locale: Locale;
  title: string;
  /** Where the language links lead (before ?lang= / &lang=): this page with its other query parameters. */
  path: string;
  [key: string]: unknown;
}

export type RenderPage = (view: string, context: PageContext) => string;

export function createViews(root: string, catalog: Catalog): RenderPage {
  const hbs = Handlebars.create();
  const dir = path.join(root, 'src/web/views');

  const rootOf = (options: Handlebars.HelperOptions) => options.data.root as PageContext;
  hbs.registerHelper('t', function (key: string, options: Handlebars.HelperOptions) {
    return translate(catalog, rootOf(options).locale, key, (options.hash ?? {}) as Record<string, string>);
  });
  hbs.registerHelper('tk', function (prefix: string, key: string, options: Handlebars.HelperOptions) {
    return translate(catalog, rootOf(options).locale, `${prefix}${key}`);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  hbs.registerHelper('fieldId', (fieldPath: string) => `f-${fieldPath.replace(/\./g, '-')}`);
  hbs.registerHelper('fieldValue', function (fieldPath: string, options: Handlebars.HelperOptions) {
    const values = (rootOf(options).values ?? {}) as Record<string, unknown>;
    const value = values[fieldPath];
    return Array.isArray(value) ? value.join('\n') : typeof value === 'string' ? value : '';
  });
  hbs.registerHelper('fieldError', function (fieldPath: string, options: Handlebars.HelperOptions) {
    const errors = (rootOf(options).fieldErrors ?? {}) as Record<string, string>;
    return errors[fieldPath] ?? '';
  });
  hbs.registerHelper('isChecked', function (fieldPath: string, value: string, options: Handlebars.HelperOptions) {
    const values = (rootOf(options).values ?? {}) as Record<string, unknown>;
    const current = values[fieldPath];
    return Array.isArray(current) ? current.includes(value) : current === value;
  });
  hbs.registerHelper('localized', function (value: Record<string, string> | undefined, options: Handlebars.HelperOptions) {
    return value?.[rootOf(options).locale] ?? '';
  });
  hbs.registerHelper('date', function (iso: string | null | undefined, options: Handlebars.HelperOptions) {
    if (!iso) return '';
    const locale = rootOf(options).locale === 'en' ? 'en-GB' : 'nb-NO';
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }).format(new Date(iso));
  });
  hbs.registerHelper('join', (list: unknown) => (Array.isArray(list) ? list.join(', ') : ''));
  // A step id in the history ("certificate") read as its title, in the page's language.
  hbs.registerHelper('stepTitle', function (id: unknown, options: Handlebars.HelperOptions) {
    return typeof id === 'string' && (STEP_IDS as readonly string[]).includes(id) ? stepTitle(id as StepId)[rootOf(options).locale] : String(id ?? '');
  });

  for (const file of readdirSync(path.join(dir, 'partials'))) {
    if (file.endsWith('.hbs')) hbs.registerPartial(file.slice(0, -4), readFileSync(path.join(dir, 'partials', file), 'utf8'));
  }
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.hbs')) templates.set(file.slice(0, -4), hbs.compile(readFileSync(path.join(dir, file), 'utf8'), { strict: false, preventIndent: true }));
  }
  const layout = templates.get('layout');
  if (!layout) throw new Error('views/layout.hbs missing');

  return (view, context) => {
    const template = templates.get(view);
    if (!template) throw new Error(`view ${view} missing`);
    const languages = (['nb', 'nn', 'en'] as const).map((code) => ({
      code,
      name: catalog[code]['lang.name'],
      current: code === context.locale,
      href: `${context.path}${context.path.includes('?') ? '&' : '?'}lang=${code}`,
    }));
    const full = { ...context, languages };
    return layout({ ...full, body: template(full) });
  };
}
