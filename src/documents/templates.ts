import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { z } from 'zod';
import { STEP_IDS, type StepId } from '../domain/checklist.js';
import { LOCALES, type Locale, type Localized } from '../domain/locale.js';

/**
 * The template registry: templates/<id>/template.json plus the files it names.
 *
 * Two kinds:
 * - "html": <locale>.hbs per locale (Handlebars, auto-escaped) and optional
 *   style.css; shared print CSS and partials in templates/_shared/. Rendered by
 *   Chromium.
 * - "overlay": an existing PDF (e.g. an official form the operator drops in) plus
 *   a field map (page, box, font size, fact) and/or a map from its own AcroForm
 *   field names to facts. Filled with pdf-lib.
 *
 * Every template gets a digest of all its inputs. It is part of the document
 * identity, so an edited template never serves a stale cached PDF even if the
 * operator forgot to raise the version.
 */

const localized = z.strictObject({ nb: z.string().min(1), nn: z.string().min(1), en: z.string().min(1) });
/** Template ids end up upper-cased in QR codes (alphanumeric mode: A–Z, 0–9, '-'). */
const templateId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and "-", at most 40');
const factPath = z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'a fact path such as agency.name');

const common = {
  id: templateId,
  version: z.number().int().min(1).max(9999),
  step: z.enum(STEP_IDS),
  title: localized,
  subject: localized,
  keywords: z.array(z.string().min(1)).default([]),
  /** Base of the download file name per locale, ASCII (e.g. "bruksvilkar-altinn-dpv"). */
  fileName: z.strictObject({
    nb: z.string().regex(/^[a-z0-9-]{1,60}$/),
    nn: z.string().regex(/^[a-z0-9-]{1,60}$/),
    en: z.string().regex(/^[a-z0-9-]{1,60}$/),
  }),
  /** Lower numbers are listed first. */
  order: z.number().int().default(100),
};

const HtmlMeta = z.strictObject({ ...common, kind: z.literal('html'), tagged: z.boolean().default(true) });

const FieldBox = z.strictObject({
  page: z.number().int().min(1),
  /** PDF points from the bottom-left corner of the page. */
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
  fontSize: z.number().positive().max(72).default(10),
  field: factPath,
  align: z.enum(['left', 'center', 'right']).default('left'),
});

const OverlayMeta = z.strictObject({
  ...common,
  kind: z.literal('overlay'),
  /** The PDF to fill, relative to the template directory. */
  source: z.string().regex(/^[A-Za-z0-9._-]+\.pdf$/),
  /** The language(s) the source PDF is written in. */
  locales: z.array(z.enum(LOCALES)).min(1),
  fields: z.array(FieldBox).default([]),
  /** AcroForm field name in the source PDF → fact path. */
  acroForm: z.record(z.string().min(1), factPath).default({}),
});

const TemplateMeta = z.discriminatedUnion('kind', [HtmlMeta, OverlayMeta]);

export type FieldBox = z.infer<typeof FieldBox>;

interface TemplateBase {
  id: string;
  version: number;
  step: StepId;
  title: Localized;
  subject: Localized;
  keywords: string[];
  fileName: Localized;
  order: number;
  locales: Locale[];
  /** SHA-256 over the metadata and every file the template uses. */
  digest: string;
}

export interface HtmlTemplate extends TemplateBase {
  kind: 'html';
  tagged: boolean;
  /** Template-specific CSS appended after the shared print CSS. */
  css: string;
  render: Record<Locale, Handlebars.TemplateDelegate>;
}

export interface OverlayTemplate extends TemplateBase {
  kind: 'overlay';
  source: Uint8Array;
  fields: FieldBox[];
  acroForm: Record<string, string>;
}

export type DocumentTemplate = HtmlTemplate | OverlayTemplate;

export interface TemplateRegistry {
  /** Templates in listing order. */
  all(): DocumentTemplate[];
  get(id: string): DocumentTemplate | undefined;
  /** The shared print CSS (fonts, page size, margins reserved for the QR stamp). */
  sharedCss: string;
}

export class TemplateError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'TemplateError';
  }
}

/**
 * User data must never reach the page unescaped, so raw output is refused
 * outright: no triple-stash and no `{{& }}` anywhere in a template or partial.
 */
const RAW_OUTPUT = /\{\{\{|\{\{~?\s*&/;

function checkSource(file: string, source: string): void {
  if (RAW_OUTPUT.test(source)) throw new TemplateError(file, 'raw (unescaped) output {{{ }}} or {{& }} is not allowed');
}

function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

export function createHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  // Only small, pure helpers; everything else is prepared in the view model.
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('inc', (n: unknown) => Number(n) + 1);
  return hb;
}

/** Loads and compiles every template under `dir`. Throws TemplateError on the first bad one. */
export function loadTemplates(dir: string): TemplateRegistry {
  if (!existsSync(dir)) throw new TemplateError(dir, 'templates directory not found (set TEMPLATES_DIR)');
  const hb = createHandlebars();
  const sharedDir = path.join(dir, '_shared');
  const sharedHash = createHash('sha256');
  let sharedCss = '';
  if (existsSync(path.join(sharedDir, 'print.css'))) {
    sharedCss = readText(path.join(sharedDir, 'print.css'));
    sharedHash.update(sharedCss);
  }
  const partialsDir = path.join(sharedDir, 'partials');
  if (existsSync(partialsDir)) {
    for (const name of readdirSync(partialsDir).filter((n) => n.endsWith('.hbs')).sort()) {
      const file = path.join(partialsDir, name);
      const source = readText(file);
      checkSource(file, source);
      hb.registerPartial(name.slice(0, -4), source);
      sharedHash.update(name).update(source);
    }
  }
  const sharedDigest = sharedHash.digest('hex');

  const templates: DocumentTemplate[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('_') || name.startsWith('.')) continue;
    const templateDir = path.join(dir, name);
    if (!statSync(templateDir).isDirectory()) continue;
    const metaFile = path.join(templateDir, 'template.json');
    if (!existsSync(metaFile)) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(readText(metaFile));
    } catch (error) {
      throw new TemplateError(metaFile, `not valid JSON (${(error as Error).message})`);
    }
    const parsed = TemplateMeta.safeParse(raw);
    if (!parsed.success) {
      throw new TemplateError(metaFile, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const meta = parsed.data;
    if (meta.id !== name) throw new TemplateError(metaFile, `id "${meta.id}" must equal the directory name "${name}"`);
    const digest = createHash('sha256').update(JSON.stringify(meta)).update(sharedDigest);
    const base = {
      id: meta.id,
      version: meta.version,
      step: meta.step,
      title: meta.title,
      subject: meta.subject,
      keywords: meta.keywords,
      fileName: meta.fileName,
      order: meta.order,
    };
    if (meta.kind === 'html') {
      const render = {} as Record<Locale, Handlebars.TemplateDelegate>;
      for (const locale of LOCALES) {
        const file = path.join(templateDir, `${locale}.hbs`);
        if (!existsSync(file)) throw new TemplateError(file, `missing: an HTML template needs ${LOCALES.join(', ')}`);
        const source = readText(file);
        checkSource(file, source);
        digest.update(locale).update(source);
        try {
          hb.precompile(source, { strict: true }); // syntax errors surface at start, not at first download
        } catch (error) {
          throw new TemplateError(file, (error as Error).message);
        }
        // strict: a misspelt fact is an error at render time, not a silent blank on a signed form.
        render[locale] = hb.compile(source, { strict: true });
      }
      const cssFile = path.join(templateDir, 'style.css');
      const css = existsSync(cssFile) ? readText(cssFile) : '';
      digest.update(css);
      templates.push({ ...base, kind: 'html', tagged: meta.tagged, css, render, locales: [...LOCALES], digest: digest.digest('hex') });
    } else {
      const file = path.join(templateDir, meta.source);
      if (!existsSync(file)) throw new TemplateError(file, 'source PDF not found');
      const source = new Uint8Array(readFileSync(file));
      digest.update(source);
      templates.push({
        ...base,
        kind: 'overlay',
        source,
        fields: meta.fields,
        acroForm: meta.acroForm,
        locales: [...new Set(meta.locales)],
        digest: digest.digest('hex'),
      });
    }
  }
  templates.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  const byId = new Map(templates.map((t) => [t.id, t]));
  return {
    all: () => [...templates],
    get: (id) => byId.get(id),
    sharedCss,
  };
}
