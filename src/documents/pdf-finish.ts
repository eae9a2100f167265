import { createHash } from 'node:crypto';
import {
  beginMarkedContent,
  endMarkedContent,
  fill,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHeader,
  PDFHexString,
  PDFName,
  PDFRef,
  PDFString,
  ParseSpeeds,
  rgb,
  type PDFFont,
  type PDFPage,
} from '@cantoo/pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import QRCode from 'qrcode';
import type { Locale } from '../domain/locale.js';
import { encodePageCode, pageLabel } from './reference.js';

/**
 * Turns a PDF (Chromium's, or a filled overlay) into the document we issue:
 * - every page gets a QR code and a human-readable reference (document id, case
 *   id, template, version, page k/n, HMAC), drawn as an /Artifact so the tagged
 *   structure stays clean for screen readers;
 * - metadata: title, author (the agency), subject, keywords, language, dates
 *   from the case;
 * - PDF/A-2b structure: PDF 1.7 header, XMP with pdfaid part 2 / conformance B
 *   mirroring the Info dictionary, an sRGB OutputIntent, and a trailer /ID;
 * - determinism: loaded with updateMetadata:false (pdf-lib would stamp "now"),
 *   fixed dates, Chromium's per-page DOM node ids in the structure tree
 *   renumbered, /ID derived from the content instead of time.
 */

export interface FinishOptions {
  documentId: string;
  caseId: string;
  templateId: string;
  templateVersion: number;
  locale: Locale;
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** Creation and modification date written into the file (the case's createdAt). */
  date: Date;
  macKey: Buffer;
  /** Regular text font (TTF bytes) for the reference line. */
  font: Uint8Array;
  iccProfile: Uint8Array;
  producer: string;
  /** Second line under the reference, e.g. "Sak <case id>". */
  caseLine: string;
}

export interface FinishedPdf {
  bytes: Uint8Array;
  pageCount: number;
}

/** Geometry of the stamp, in PDF points (1 mm = 2.8346 pt). Templates keep this area free. */
const MM = 72 / 25.4;
export const STAMP = {
  /** QR side without quiet zone; about 0.8 mm per module at QR version 4 (33 modules). */
  qrSize: 26 * MM,
  quietZone: 2 * MM,
  right: 12 * MM,
  bottom: 10 * MM,
  left: 18 * MM,
  textSize: 8.5,
};

/**
 * @pdf-lib/fontkit's subset has encode(stream)/encodeStream(); the fork calls
 * encode() without a stream when it sees one. Hide encode so the fork takes the
 * stream path, which still calls the real encode internally.
 */
type FontkitFont = { createSubset: () => Record<string, unknown> };
/**
 * Parsed fonts, reused across documents: parsing DejaVu Sans and warming its glyph
 * and layout caches costs more than the rest of the stamping. pdf-lib only reads
 * the font object and makes a fresh subset per document, so sharing it is safe.
 */
const parsedFonts = new WeakMap<Uint8Array, FontkitFont>();

const forkCompatibleFontkit = {
  create(data: Uint8Array, postscriptName?: string) {
    const cached = postscriptName === undefined ? parsedFonts.get(data) : undefined;
    if (cached) return cached;
    const font = fontkit.create(data as Buffer, postscriptName) as unknown as FontkitFont;
    if (postscriptName === undefined) parsedFonts.set(data, font);
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset();
      const proto = Object.getPrototypeOf(subset) as { encode: unknown; encodeStream: (this: unknown) => unknown };
      subset.encode = undefined;
      subset.encodeStream = function encodeStream(this: Record<string, unknown>) {
        this.encode = proto.encode;
        return proto.encodeStream.call(this);
      };
      return subset;
    };
    return font;
  },
};

export function registerFontkit(doc: PDFDocument): void {
  doc.registerFontkit(forkCompatibleFontkit as never);
}

/** The dark modules of a QR code as horizontal runs, in module units (row 0 at the top). */
export function qrRuns(text: string): { runs: { x: number; y: number; width: number }[]; modules: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const data = qr.modules.data;
  const runs: { x: number; y: number; width: number }[] = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!data[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col]) col++;
      runs.push({ x: start, y: row, width: col - start });
    }
  }
  return { runs, modules: size };
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function xmpDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Deterministic UUID from a name (for xmpMM:DocumentID). */
function nameUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function buildXmp(options: {
  title: string;
  author: string;
  subject: string;
  keywords: string;
  producer: string;
  creatorTool: string;
  date: Date;
  lang: string;
  documentUuid: string;
}): string {
  const d = xmpDate(options.date);
  const x = escapeXml;
  // The packet has no padding and a fixed layout: same input, same bytes.
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${x(options.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>${x(options.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${x(options.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>${x(options.lang)}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>${x(options.producer)}</pdf:Producer>
   <pdf:Keywords>${x(options.keywords)}</pdf:Keywords>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>${x(options.creatorTool)}</xmp:CreatorTool>
   <xmp:CreateDate>${d}</xmp:CreateDate>
   <xmp:ModifyDate>${d}</xmp:ModifyDate>
   <xmp:MetadataDate>${d}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
   <xmpMM:DocumentID>uuid:${options.documentUuid}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:${options.documentUuid}</xmpMM:InstanceID>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>`;
}

const LANG_TAG: Record<Locale, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en' };

/**
 * Chromium names structure elements after DOM node ids ("node00000016"). On a
 * reused page the ids keep growing, so two renders of the same HTML differ. The
 * ids are only keys: rename them in tree order to E1, E2, … (zero-padded so the
 * IDTree's lexical order is kept) and rebuild the IDTree.
 */
export function renumberStructureIds(doc: PDFDocument): number {
  const context = doc.context;
  const root = doc.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  if (!root) return 0;
  const idTree = root.lookupMaybe(PDFName.of('IDTree'), PDFDict);
  if (!idTree) return 0;
  const pairs: [string, PDFRef | PDFDict][] = [];
  const kidRefs: PDFRef[] = [];
  const walk = (node: PDFDict) => {
    const names = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    if (names) {
      for (let i = 0; i + 1 < names.size(); i += 2) {
        const key = names.lookup(i);
        const value = names.get(i + 1);
        const text = key instanceof PDFString || key instanceof PDFHexString ? key.decodeText() : String(key);
        if (value instanceof PDFRef || value instanceof PDFDict) pairs.push([text, value]);
      }
    }
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (kids) for (let i = 0; i < kids.size(); i++) {
      const ref = kids.get(i);
      if (ref instanceof PDFRef) kidRefs.push(ref);
      const kid = kids.lookupMaybe(i, PDFDict);
      if (kid) walk(kid);
    }
  };
  walk(idTree);
  // Node ids are zero-padded decimal, so their lexical order is creation order.
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = String(pairs.length).length;
  const renamed: (PDFString | PDFRef | PDFDict)[] = [];
  const mapping = new Map<string, string>();
  pairs.forEach(([old, value], index) => {
    const name = `E${String(index + 1).padStart(width, '0')}`;
    mapping.set(old, name);
    const id = PDFString.of(name);
    const element = value instanceof PDFRef ? context.lookupMaybe(value, PDFDict) : value;
    element?.set(PDFName.of('ID'), id);
    renamed.push(id, value);
  });
  // Rewrite the tree in place as one leaf: a new object would leave the old one
  // (with the old ids) in the file, unreferenced but still written.
  idTree.set(PDFName.of('Names'), context.obj(renamed));
  idTree.delete(PDFName.of('Kids'));
  idTree.delete(PDFName.of('Limits'));
  for (const ref of kidRefs) context.delete(ref);
  // Table cells point at their header cells by id (/A << /O /Table /Headers [...] >>).
  const renameHeaders = (attributes: PDFDict) => {
    const headers = attributes.lookupMaybe(PDFName.of('Headers'), PDFArray);
    if (!headers) return;
    for (let i = 0; i < headers.size(); i++) {
      const entry = headers.lookup(i);
      const text = entry instanceof PDFString || entry instanceof PDFHexString ? entry.decodeText() : undefined;
      const name = text === undefined ? undefined : mapping.get(text);
      if (name) headers.set(i, PDFString.of(name));
    }
  };
  for (const [, object] of context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    const attributes = object.lookup(PDFName.of('A'));
    if (attributes instanceof PDFDict) renameHeaders(attributes);
    else if (attributes instanceof PDFArray) {
      for (let i = 0; i < attributes.size(); i++) {
        const item = attributes.lookup(i);
        if (item instanceof PDFDict) renameHeaders(item);
      }
    }
  }
  return pairs.length;
}

function drawStamp(page: PDFPage, font: PDFFont, payload: string, label: string, caseLine: string): void {
  const { width } = page.getSize();
  const { runs, modules } = qrRuns(payload);
  const scale = STAMP.qrSize / modules;
  const qrX = width - STAMP.right - STAMP.qrSize;
  const qrY = STAMP.bottom;
  // Mark the stamp as an artifact: it is not part of the document's reading order.
  page.pushOperators(beginMarkedContent('Artifact'));
  page.drawRectangle({
    x: qrX - STAMP.quietZone,
    y: qrY - STAMP.quietZone,
    width: STAMP.qrSize + 2 * STAMP.quietZone,
    height: STAMP.qrSize + 2 * STAMP.quietZone,
    color: rgb(1, 1, 1),
    borderWidth: 0,
  });
  // One filled rectangle per horizontal run of dark modules, as raw operators:
  // the same picture as drawSvgPath (which must be told to fill, not stroke) without parsing a path.
  const ops = [pushGraphicsState(), setFillingRgbColor(0, 0, 0)];
  for (const run of runs) ops.push(rectangle(qrX + run.x * scale, qrY + STAMP.qrSize - (run.y + 1) * scale, run.width * scale, scale));
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
  page.drawText(label, { x: STAMP.left, y: STAMP.bottom + 9, size: STAMP.textSize, font, color: rgb(0, 0, 0) });
  page.drawText(caseLine, { x: STAMP.left, y: STAMP.bottom, size: STAMP.textSize - 1.5, font, color: rgb(0.25, 0.25, 0.25) });
  page.pushOperators(endMarkedContent());
}

/** Applies stamp, metadata and PDF/A structure to a loaded document and saves it. */
export async function finishDocument(doc: PDFDocument, options: FinishOptions): Promise<FinishedPdf> {
  const context = doc.context;
  registerFontkit(doc);
  renumberStructureIds(doc);

  const pages = doc.getPages();
  const pageCount = pages.length;
  // A fixed subset tag keeps the font name stable (and marks it as a subset for PDF/A checkers).
  const font = await doc.embedFont(options.font, { subset: true, customName: 'EFMREF+DejaVuSans' });
  pages.forEach((page, index) => {
    const code = {
      documentId: options.documentId,
      caseId: options.caseId,
      templateId: options.templateId,
      templateVersion: options.templateVersion,
      page: index + 1,
      pageCount,
    };
    drawStamp(page, font, encodePageCode(code, options.macKey), pageLabel(options.documentId, index + 1, pageCount, options.locale), options.caseLine);
  });

  const keywords = options.keywords.join(', ');
  const creatorTool = 'efm-onboarding (Chromium, pdf-lib)';
  doc.setTitle(options.title, { showInWindowTitleBar: true });
  doc.setAuthor(options.author);
  doc.setSubject(options.subject);
  doc.setKeywords([keywords]);
  doc.setLanguage(LANG_TAG[options.locale]);
  doc.setCreator(creatorTool);
  doc.setProducer(options.producer);
  doc.setCreationDate(options.date);
  doc.setModificationDate(options.date);

  context.header = PDFHeader.forVersion(1, 7);
  const xmp = buildXmp({
    title: options.title,
    author: options.author,
    subject: options.subject,
    keywords,
    producer: options.producer,
    creatorTool,
    date: options.date,
    lang: LANG_TAG[options.locale],
    documentUuid: nameUuid(`efm:${options.documentId}`),
  });
  // XMP stays uncompressed so archive tools can find it without a PDF parser.
  const metadata = context.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), context.register(metadata));

  const icc = context.flateStream(options.iccProfile, { N: 3 });
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    DestOutputProfile: context.register(icc),
  });
  doc.catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]));

  // The file identifier is derived from what the document is, not from time.
  const id = createHash('sha256')
    .update(`${options.documentId}|${options.caseId}|${options.templateId}|${options.templateVersion}|${options.locale}|${pageCount}`)
    .digest('hex')
    .slice(0, 32);
  context.trailerInfo.ID = context.obj([PDFHexString.of(id), PDFHexString.of(id)]);

  // objectsPerTick: Infinity: no yielding to the event loop between batches of objects;
  // a 2-page document saves in a few ms, and yielding only adds queueing latency.
  const bytes = await doc.save({ useObjectStreams: true, updateFieldAppearances: false, objectsPerTick: Number.POSITIVE_INFINITY });
  return { bytes, pageCount };
}

/** Loads a PDF without letting pdf-lib stamp the current time into it. */
export function loadForFinishing(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
}
