import { PDFDocument } from '@cantoo/pdf-lib';
import type { Metadata, default as Sharp } from 'sharp';

/**
 * Turns a scanned image (JPEG, PNG, multi-page TIFF) into a PDF with one page
 * per image page, so every return is analysed and archived the same way.
 * - EXIF orientation is applied, so a phone photo taken sideways reads upright.
 * - The pixel limit is checked from the header before any decoding, and libvips
 *   enforces it again per page: a small PNG that inflates to gigapixels (a
 *   decompression bomb) is refused without being decoded.
 * - Pages are re-encoded as JPEG by libvips (on its own threads) and embedded as
 *   is; pdf-lib's pure-JS PNG path is ~40× slower and blocks the event loop.
 */
export class ImageProblem extends Error {
  constructor(
    readonly problem: 'too-large' | 'too-many-pages' | 'malformed',
    readonly params: Record<string, number> = {},
  ) {
    super(problem);
  }
}

export interface ImageLimits {
  maxPages: number;
  maxPixels: number;
}

const A4_WIDTH_PT = 595.28;
let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips) is loaded on the first image upload, not at start: about 19 MB
 * PSS that a service receiving only PDFs never needs.
 */
function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // libvips keeps decoded images in a cache of up to 50 MB by default; an upload
    // service never reads the same scan twice, so that memory is better not held.
    sharp.cache(false);
    return sharp;
  });
  return loading;
}

function isPixelLimit(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

export async function imageToPdf(file: string, limits: ImageLimits): Promise<{ pdf: Uint8Array; pageCount: number }> {
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageProblem('malformed');
  }
  const pageCount = meta.pages ?? 1;
  if (pageCount > limits.maxPages) throw new ImageProblem('too-many-pages', { pageCount, limit: limits.maxPages });
  const firstHeight = meta.pageHeight ?? meta.height ?? 0;
  if ((meta.width ?? 0) * firstHeight > limits.maxPixels) {
    throw new ImageProblem('too-large', { width: meta.width ?? 0, height: firstHeight, limit: limits.maxPixels });
  }

  const doc = await PDFDocument.create({ updateMetadata: false });
  for (let page = 0; page < pageCount; page++) {
    const input = () => sharp(file, { page, limitInputPixels: limits.maxPixels, failOn: 'error' });
    try {
      const pageMeta = await input().metadata();
      if ((pageMeta.width ?? 0) * (pageMeta.height ?? 0) > limits.maxPixels) {
        throw new ImageProblem('too-large', { width: pageMeta.width ?? 0, height: pageMeta.height ?? 0, limit: limits.maxPixels });
      }
      const grey = pageMeta.channels === 1 || pageMeta.space === 'b-w' || pageMeta.space === 'grey16';
      const { data, info } = await input()
        .rotate()
        .flatten({ background: '#ffffff' })
        .toColourspace(grey ? 'b-w' : 'srgb')
        .jpeg({ quality: 85 })
        .toBuffer({ resolveWithObject: true });
      const dpi = pageMeta.density && pageMeta.density >= 50 && pageMeta.density <= 1200 ? pageMeta.density : undefined;
      // Without a believable resolution the scan is assumed to be A4 wide.
      const scale = dpi ? 72 / dpi : A4_WIDTH_PT / info.width;
      const image = await doc.embedJpg(data);
      const width = info.width * scale;
      const height = info.height * scale;
      doc.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
    } catch (error) {
      if (error instanceof ImageProblem) throw error;
      if (isPixelLimit(error)) throw new ImageProblem('too-large', { limit: limits.maxPixels });
      throw new ImageProblem('malformed');
    }
  }
  return { pdf: await doc.save({ useObjectStreams: false }), pageCount };
}
