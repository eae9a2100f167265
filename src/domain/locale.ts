/** The three languages every user-facing text exists in. */
export const LOCALES = ['nb', 'nn', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Localized = Readonly<Record<Locale, string>>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Picks the best locale from an Accept-Language header. "no" and "nb" mean
 * bokmål, "nn" nynorsk, anything English-like English; default bokmål.
 */
export function negotiateLocale(header: string | undefined, fallback: Locale = 'nb'): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (primary === 'nb' || primary === 'no') return 'nb';
    if (primary === 'nn') return 'nn';
    if (primary === 'en') return 'en';
  }
  return fallback;
}

/** Fills {name} placeholders. */
export function format(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}
