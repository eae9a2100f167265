import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_STATUSES } from '../../src/certificates/types.js';
import { STEP_STATUSES } from '../../src/domain/checklist.js';
import { LOCALES } from '../../src/domain/locale.js';
import { ENVIRONMENTS, SECTORS, SERVICES } from '../../src/domain/registration.js';
import { UPLOAD_STATUSES } from '../../src/domain/return-state.js';
import { FIELD_ORDER, fieldLabel } from '../../src/web/registration-form.js';

/**
 * Static checks of the web app's locale files against every place that looks a
 * key up: the Handlebars views ({{t "…"}}, {{tk "prefix" value}}, keys handed to
 * partials that translate them), and the page code in src/web/*.ts.
 */

const WEB = path.resolve('src/web');
const VIEWS = path.join(WEB, 'views');
type Messages = Record<string, string>;
const catalog = Object.fromEntries(LOCALES.map((l) => [l, JSON.parse(readFileSync(path.join(WEB, 'locales', `${l}.json`), 'utf8')) as Messages])) as Record<
  (typeof LOCALES)[number],
  Messages
>;
const { nb, nn, en } = catalog;

function viewFiles(): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  for (const dir of [VIEWS, path.join(VIEWS, 'partials')]) {
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.hbs')) files.push({ name: path.relative(VIEWS, path.join(dir, file)), text: readFileSync(path.join(dir, file), 'utf8') });
    }
  }
  return files;
}

const webSources = () =>
  readdirSync(WEB)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ name: f, text: readFileSync(path.join(WEB, f), 'utf8') }));

/** Which keys exist in every locale; the test names the locale that lacks one. */
function expectInEveryLocale(keys: Iterable<string>, where: string) {
  const missing: string[] = [];
  for (const key of keys) for (const locale of LOCALES) if (typeof catalog[locale][key] !== 'string' || catalog[locale][key] === '') missing.push(`${locale}:${key}`);
  expect(missing, `keys used by ${where} but missing or empty in a locale file`).toEqual([]);
}

/** Event types and actors the service writes into a case's history (shown with {{tk "event." type}} ({{tk "actor." actor}})). */
function historyVocabulary(): { types: Set<string>; actors: Set<string> } {
  const types = new Set<string>();
  const actors = new Set<string>();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  for (const file of walk(path.resolve('src'))) {
    const text = readFileSync(file, 'utf8');
    if (!/appendEvent\(|appendCaseEvent\(/.test(text)) continue;
    // `type: 'x.y'` or `type: cond ? 'x.y' : 'x.z'` inside appendCaseEvent({...}) objects.
    for (const m of text.matchAll(/\btype:\s*(?:[^,}\n]*?\?\s*)?'([a-z]+\.[a-z]+)'(?:\s*:\s*'([a-z]+\.[a-z]+)')?/g)) {
      types.add(m[1]!);
      if (m[2]) types.add(m[2]);
    }
    // appendEvent(trx, caseId, 'x.y' | cond ? 'x.y' : 'x.z', 'actor' | actor, …)
    for (const m of text.matchAll(/appendEvent\(\s*trx,\s*[^,]+,\s*(?:[^,'\n]*\?\s*)?'([a-z]+\.[a-z]+)'(?:\s*:\s*'([a-z]+\.[a-z]+)')?,\s*(?:'([a-z]+)'|[\w.]+)/g)) {
      types.add(m[1]!);
      if (m[2]) types.add(m[2]);
      if (m[3]) actors.add(m[3]);
    }
    for (const m of text.matchAll(/\bactor:\s*'([a-z]+)'/g)) actors.add(m[1]!);
  }
  return { types, actors };
}


describe('locale files', () => {
  it('nb, nn and en have exactly the same keys, and no value is empty', () => {
    const keys = Object.keys(nb).sort();
    expect(keys.length).toBeGreaterThan(100);
    expect(Object.keys(nn).sort()).toEqual(keys);
    expect(Object.keys(en).sort()).toEqual(keys);
    for (const locale of LOCALES) {
      for (const [key, value] of Object.entries(catalog[locale])) expect(typeof value === 'string' && value.trim() !== '', `${locale}:${key}`).toBe(true);
    }
  });

  it('uses the same {placeholders} in every language of a message', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(nb)) {
      expect(placeholders(nn[key]!), `nn:${key}`).toEqual(placeholders(nb[key]!));
      expect(placeholders(en[key]!), `en:${key}`).toEqual(placeholders(nb[key]!));
    }
  });

  it('every {{t "key"}} in the views exists in all three locales', () => {
    const keys = new Set<string>();
    for (const { text } of viewFiles()) for (const m of text.matchAll(/\{\{t\s+"([^"]+)"/g)) keys.add(m[1]!);
    expect(keys.size).toBeGreaterThan(80);
    expectInEveryLocale(keys, '{{t "…"}} in the views');
  });

  it('every key handed to a partial that translates it ({{> field label="…" hint="…"}}, {{> contact legend="…"}}) exists in all three locales', () => {
    const files = viewFiles();
    // Which parameters each partial passes to {{t …}}: field → label, hint; contact → legend, hint.
    const translatedParams = new Map<string, Set<string>>();
    for (const { name, text } of files) {
      if (!name.startsWith('partials/')) continue;
      const params = new Set([...text.matchAll(/\{\{t\s+([a-zA-Z]\w*)\s*\}\}/g)].map((m) => m[1]!));
      if (params.size) translatedParams.set(path.basename(name, '.hbs'), params);
    }
    expect([...(translatedParams.get('field') ?? [])].sort()).toEqual(['hint', 'label']);
    expect([...(translatedParams.get('contact') ?? [])].sort()).toEqual(['hint', 'legend']);
    const keys = new Set<string>();
    for (const { text } of files) {
      for (const call of text.matchAll(/\{\{>\s*([\w-]+)([^}]*)\}\}/g)) {
        const params = translatedParams.get(call[1]!);
        if (!params) continue;
        for (const arg of call[2]!.matchAll(/(\w+)="([^"]+)"/g)) if (params.has(arg[1]!)) keys.add(arg[2]!);
      }
    }
    expect(keys).toContain('form.organizationNumber.hint');
    expect(keys).toContain('form.technicalContact');
    expect(keys).toContain('upload.reference');
    expectInEveryLocale(keys, 'partial parameters');
  });

  it('every {{tk "prefix" value}} has a key for each value the service can produce, in all three locales', () => {
    const { types, actors } = historyVocabulary();
    // The values behind each prefix, from the domain's own lists where it has them.
    const domain: Record<string, readonly string[]> = {
      'status.': STEP_STATUSES,
      'event.': [...types],
      'actor.': [...actors, 'agency', 'servicedesk', 'system'],
      'certificate.verdict.': ['accepted', 'rejected'], // certificates/types.ts Verdict
      'certificate.decision.': ['approved', 'rejected'], // storage/certificate-repository.ts outcome
      'check.': CHECK_STATUSES,
      'upload.status.': UPLOAD_STATUSES,
      'upload.decision.': ['approved', 'rejected'], // domain/return-state.ts outcome
      'documents.lang.': LOCALES,
      'form.environment.': ENVIRONMENTS,
      'form.sector.': SECTORS,
      'form.services.': SERVICES,
      'case.status.': ['open', 'closed'], // storage/case-repository.ts CaseStatus
    };
    const prefixes = new Set<string>();
    for (const { text } of viewFiles()) for (const m of text.matchAll(/\{\{tk\s+"([^"]+)"/g)) prefixes.add(m[1]!);
    expect(prefixes.size).toBeGreaterThan(5);
    // A new prefix in a view must be added above, with its values.
    expect([...prefixes].filter((p) => !(p in domain)), 'tk prefixes this test does not know the values of').toEqual([]);
    const keys = [...prefixes].flatMap((prefix) => domain[prefix]!.map((value) => `${prefix}${value}`));
    expect(keys).toEqual(expect.arrayContaining(['event.certificate.decided', 'actor.system']));
    expectInEveryLocale(keys, '{{tk "prefix" value}}');
  });

  // Found missing once: a servicedesk certificate decision, and an automatic event written
  // with the actor 'service' where every other one says 'system'.
  it('names the certificate decision in every language, and automatic events have the one actor "system"', () => {
    expectInEveryLocale(['event.certificate.decided'], 'case history');
    expect(historyVocabulary().actors).not.toContain('service');
  });

  it('the scan of the history vocabulary finds what the service writes (so the event/actor check above is not vacuous)', () => {
    const { types, actors } = historyVocabulary();
    for (const t of ['case.created', 'step.completed', 'dpo.verified', 'dpo.unverified', 'upload.received', 'upload.matched', 'upload.decided', 'certificate.accepted', 'message.sent', 'document.issued']) {
      expect(types, t).toContain(t);
    }
    expect(actors).toContain('system');
  });

  it('every literal key given to translate(), t() or renderPage() in src/web/*.ts exists in all three locales', () => {
    const keys = new Set<string>();
    for (const { text } of webSources()) {
      for (const m of text.matchAll(/translate\([^,()]+,\s*[^,()]+(?:\([^)]*\))?,\s*'([^'$]+)'/g)) keys.add(m[1]!);
      for (const m of text.matchAll(/\bt\('([^'$]+)'\)/g)) keys.add(m[1]!);
      // t(cond ? 'a' : 'b')
      for (const m of text.matchAll(/\bt\([^'()]*\?\s*'([^']+)'\s*:\s*'([^']+)'\)/g)) {
        keys.add(m[1]!);
        keys.add(m[2]!);
      }
      // renderPage(deps, req, res, 'view', 'title.key', …)
      for (const m of text.matchAll(/renderPage\(\s*\w+,\s*req,\s*res,\s*'[\w-]+',\s*'([^']+)'/g)) keys.add(m[1]!);
      for (const m of text.matchAll(/\['([a-z]+\.[a-z_.-]+)'\]/g)) keys.add(m[1]!); // catalog[code]['lang.name']
    }
    for (const k of ['admin.login.invalid', 'admin.close.required', 'admin.decision.reason_required', 'notfound.title', 'notfound.text', 'error.title', 'error.bad_request', 'error.internal', 'home.title', 'form.title', 'created.title', 'case.title', 'admin.login.title', 'admin.cases', 'form.names.nb', 'field.yes', 'field.no', 'lang.name']) {
      expect(keys, `the scan should find ${k}`).toContain(k);
    }
    expectInEveryLocale(keys, 'src/web/*.ts');
  });

  it('every key built from a template string in src/web/*.ts exists for each value', () => {
    // form.environment.${…} and form.sector.${…} (case facts, servicedesk facts), and fieldLabel's
    // form.${field} / form.${contact}.${part} for the error summary of the registration form.
    const keys = [...ENVIRONMENTS.map((e) => `form.environment.${e}`), ...SECTORS.map((s) => `form.sector.${s}`)];
    for (const field of FIELD_ORDER) {
      fieldLabel(field, (key) => {
        keys.push(key);
        return key;
      });
    }
    expect(keys).toContain('form.technicalContact');
    expect(keys).toContain('form.contact.mobile');
    expect(keys).toContain('form.services.legend');
    expectInEveryLocale(keys, 'template-string keys');
  });
});

/** A whole word (Unicode letters, so å and ø count as letters; \\b does not know them). */
const word = (alternatives: string) => new RegExp(`(?<!\\p{L})(?:${alternatives})(?!\\p{L})`, 'iu');

describe('nynorsk is nynorsk, not a copy of bokmål', () => {
  // Pairs where the written standards differ in every text: the nb form never occurs in
  // nynorsk, and the nn form is what the sentence uses instead.
  const pairs: { nb: RegExp; nn: RegExp; name: string }[] = [
    { name: 'ikke → ikkje', nb: word('ikke'), nn: word('ikkje') },
    { name: 'fra → frå', nb: word('fra'), nn: word('frå') },
    { name: 'virksomhet → verksemd', nb: /virksomhet/i, nn: /verksemd/i },
    { name: 'tjeneste → teneste', nb: /tjeneste/i, nn: /tenest/i },
    { name: 'hva/hvorfor/hvilke → kva/kvifor', nb: word('hva|hvorfor|hvilke'), nn: word('kva|kvifor') },
    { name: 'bare → berre', nb: word('bare'), nn: word('berre') },
    { name: 'noe → noko', nb: word('noe'), nn: word('noko') },
    { name: 'saken → saka', nb: word('saken'), nn: word('saka') },
  ];

  for (const pair of pairs) {
    it(`${pair.name}: every nb sentence with the bokmål form has the nynorsk form in nn`, () => {
      const keys = Object.keys(nb).filter((k) => pair.nb.test(nb[k]!));
      expect(keys.length, 'the sample must not be empty').toBeGreaterThan(0);
      for (const key of keys) {
        expect(nn[key], `nn:${key} equals nb`).not.toBe(nb[key]);
        expect(nn[key], `nn:${key}`).toMatch(pair.nn);
        expect(nn[key], `nn:${key} still has the bokmål form`).not.toMatch(pair.nb);
      }
    });
  }

  it('no nn value uses words that exist only in bokmål', () => {
    const bokmalOnly = word('ikke|hva|hvis|hvorfor|hvilke|hvordan|noe|noen|ble|bare|fra|jeg|meg|dere|deres|virksomhet\\p{L}*|tjeneste\\p{L}*');
    const offenders = Object.entries(nn).filter(([, v]) => bokmalOnly.test(v));
    expect(offenders).toEqual([]);
  });

  it('English values contain no Norwegian letters except in the name "Bokmål"', () => {
    const offenders = Object.entries(en).filter(([, v]) => /[æøåÆØÅ]/.test(v.replace(/Bokmål/g, '')));
    expect(offenders).toEqual([]);
  });
});
