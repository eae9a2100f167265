import { ParseSpeeds, PDFDocument, PDFName, PDFTextField, rgb, type PDFFont } from '@cantoo/pdf-lib';
import { registerFontkit } from './pdf-finish.js';
import type { OverlayTemplate } from './templates.js';
import { factAt, type ViewModel } from './view-model.js';

/**
 * Fills an overlay template: an existing PDF (an official form, for instance)
 * with the case facts written into boxes from its field map and/or into its own
 * AcroForm fields. Text uses the bundled font (Norwegian and Sámi letters), is
 * shrunk to fit its box, and forms are flattened so the printed copy shows
 * exactly what was issued.
 */
export class OverlayFieldError extends Error {
  constructor(templateId: string, message: string) {
    super(`overlay ${templateId}: ${message}`);
    this.name = 'OverlayFieldError';
  }
}

function fitSize(font: PDFFont, text: string, size: number, width: number): number {
  let fitted = size;
  while (fitted > 5 && font.widthOfTextAtSize(text, fitted) > width) fitted -= 0.5;
  return fitted;
}

/** Every fact path an overlay names must exist in the view model. */
export function checkOverlayFields(template: OverlayTemplate, sample: ViewModel): void {
  const paths = [...template.fields.map((f) => f.field), ...Object.values(template.acroForm)];
  for (const path of paths) {
    if (factAt(sample, path) === undefined) throw new OverlayFieldError(template.id, `unknown fact "${path}"`);
  }
}

export async function fillOverlay(template: OverlayTemplate, model: ViewModel, fontBytes: Uint8Array): Promise<PDFDocument> {
  const doc = await PDFDocument.load(template.source, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  registerFontkit(doc);
  const font = await doc.embedFont(fontBytes, { subset: true, customName: 'EFMFLD+DejaVuSans' });
  const pages = doc.getPages();

  for (const box of template.fields) {
    const page = pages[box.page - 1];
    if (!page) throw new OverlayFieldError(template.id, `field "${box.field}" is on page ${box.page}, the PDF has ${pages.length}`);
    const text = factAt(model, box.field);
    if (text === undefined) throw new OverlayFieldError(template.id, `unknown fact "${box.field}"`);
    if (text === '') continue;
    const padding = 2;
    const size = fitSize(font, text, box.fontSize, box.width - 2 * padding);
    const textWidth = font.widthOfTextAtSize(text, size);
    const x =
      box.align === 'right' ? box.x + box.width - padding - textWidth : box.align === 'center' ? box.x + (box.width - textWidth) / 2 : box.x + padding;
    const y = box.y + (box.height - size) / 2 + size * 0.2;
    page.drawText(text, { x, y, size, font, color: rgb(0, 0, 0) });
  }

  const names = Object.keys(template.acroForm);
  if (names.length > 0) {
    const form = doc.getForm();
    for (const name of names) {
      const field = form.getFieldMaybe(name);
      if (!field) throw new OverlayFieldError(template.id, `the PDF has no form field "${name}"`);
      if (!(field instanceof PDFTextField)) throw new OverlayFieldError(template.id, `form field "${name}" is not a text field`);
      field.setText(factAt(model, template.acroForm[name]!) ?? '');
    }
    form.updateFieldAppearances(font);
    form.flatten({ updateFieldAppearances: false });
    // No interactive form is left: drop the empty AcroForm so viewers show none.
    if (form.getFields().length === 0) doc.catalog.delete(PDFName.of('AcroForm'));
  }
  return doc;
}
