import type { Locale } from '../domain/locale.js';
import type { HtmlTemplate } from './templates.js';
import type { ViewModel } from './view-model.js';

/**
 * The full HTML page for Chromium. Templates only produce the body; the frame is
 * built here so no template ever needs raw output. A Content-Security-Policy
 * forbids every fetch and script as a second wall behind the page's request
 * interception and disabled JavaScript.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** CSS is ours (templates directory), but must not be able to end the <style> element. */
function safeCss(css: string): string {
  return css.replace(/<\/style/gi, '<\\/style');
}

export function renderHtml(template: HtmlTemplate, sharedCss: string, locale: Locale, model: ViewModel, title: string): string {
  const body = template.render[locale](model);
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${escapeHtml(title)}</title>
<style>${safeCss(sharedCss)}
${safeCss(template.css)}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
