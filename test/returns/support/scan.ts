import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from '@cantoo/pdf-lib';
import sharp from 'sharp';

/**
 * Print-and-scan simulation: each page of a PDF is rasterised at the scanner's
 * resolution, turned by a small angle, given sensor noise, converted to grey and
 * JPEG-compressed, as a flatbed scanner at an agency would produce it.
 */
const run = promisify(execFile);

export interface ScanOptions {
  dpi: number;
  /** Degrees; scans are never perfectly straight. */
  angle?: number;
  /** Standard deviation of the added noise, in grey levels. */
  noise?: number;
  /** JPEG quality of the scanner's output. */
  quality?: number;
}

/** A scanned page: greyscale pixels plus the resolution it was scanned at. */
export interface ScannedPage {
  data: Buffer;
  width: number;
  height: number;
  dpi: number;
}

/** Deterministic pseudo-random numbers, so a failing scan can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function scanPdf(pdf: Uint8Array, options: ScanOptions, seed = 1): Promise<ScannedPage[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'efm-scan-'));
  try {
    await writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-r', String(options.dpi), '-gray', '-png', path.join(dir, 'in.pdf'), path.join(dir, 'page')]);
    const files = (await readdir(dir)).filter((f) => f.startsWith('page')).sort();
    const pages: ScannedPage[] = [];
    const next = random(seed);
    for (const file of files) {
      let image = sharp(await readFile(path.join(dir, file))).greyscale();
      if (options.angle) image = image.rotate(options.angle, { background: '#ffffff' });
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      const sigma = options.noise ?? 0;
      if (sigma > 0) {
        for (let i = 0; i < data.length; i++) {
          // Sum of three uniforms: close enough to Gaussian sensor noise.
          const n = (next() + next() + next() - 1.5) * 2 * sigma;
          data[i] = Math.max(0, Math.min(255, data[i]! + n));
        }
      }
      pages.push({ data, width: info.width, height: info.height, dpi: options.dpi });
    }
    return pages;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const input = (page: ScannedPage) => sharp(page.data, { raw: { width: page.width, height: page.height, channels: 1 } });

export function toJpeg(page: ScannedPage, quality = 60): Promise<Buffer> {
  return input(page).withMetadata({ density: page.dpi }).jpeg({ quality }).toBuffer();
}

export function toPng(page: ScannedPage): Promise<Buffer> {
  return input(page).withMetadata({ density: page.dpi }).png().toBuffer();
}

/** A multi-page TIFF, JPEG-compressed inside, as many scanners write one. */
export async function toTiff(pages: ScannedPage[], quality = 60): Promise<Buffer> {
  const pngs = await Promise.all(pages.map((p) => toPng(p)));
  return sharp(pngs, { join: { animated: true } }).tiff({ compression: 'jpeg', quality, xres: pages[0]!.dpi / 25.4, yres: pages[0]!.dpi / 25.4 }).toBuffer();
}

/** An image-only PDF: each page one scanned JPEG, as a scanner's "scan to PDF". */
export async function toImagePdf(pages: ScannedPage[], quality = 60): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  for (const page of pages) {
    const jpeg = await doc.embedJpg(await toJpeg(page, quality));
    const width = (page.width / page.dpi) * 72;
    const height = (page.height / page.dpi) * 72;
    doc.addPage([width, height]).drawImage(jpeg, { x: 0, y: 0, width, height });
  }
  return doc.save({ useObjectStreams: false });
}
