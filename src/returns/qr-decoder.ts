import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

/**
 * QR reading with zxing-wasm. By default the package fetches its .wasm from a
 * CDN; this service runs offline, so the binary is read from the installed
 * package and handed to the module before first use.
 */
let ready: Promise<unknown> | undefined;

export function zxingWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

export function initQrDecoder(): Promise<unknown> {
  ready ??= (() => {
    const file = readFileSync(zxingWasmPath());
    const wasmBinary = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    return prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  })();
  return ready;
}

/**
 * Every QR code text found in an encoded image (PGM, PNG or JPEG; zxing decodes
 * it as greyscale). tryHarder also finds slightly rotated and noisy codes.
 */
export async function decodeQrCodes(image: Uint8Array): Promise<string[]> {
  await initQrDecoder();
  const results = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 8 });
  return results.filter((r) => r.isValid).map((r) => r.text);
}
