#!/usr/bin/env node
// `npx efm-onboarding <command>`: runs the compiled CLI (dist/, made by `npm run build`
// or `npm start`) when it is at least as new as the sources, otherwise the TypeScript
// sources through tsx (a dev dependency), so it works in a fresh checkout too.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
const sourceDir = path.join(root, 'src');
const source = path.join(sourceDir, 'cli', 'main.ts');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

async function loadCli() {
  const haveSource = existsSync(source);
  const haveCompiled = existsSync(compiled);
  if (haveCompiled && (!haveSource || statSync(compiled).mtimeMs >= newestMtime(sourceDir))) {
    return import(pathToFileURL(compiled).href);
  }
  if (haveSource) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return import(pathToFileURL(source).href);
    } catch (error) {
      if (haveCompiled) return import(pathToFileURL(compiled).href);
      process.stderr.write(`efm-onboarding: cannot run the TypeScript sources (${error.message}); run "npm run build" first.\n`);
      process.exit(2);
    }
  }
  process.stderr.write('efm-onboarding: no compiled CLI found; run "npm run build" first.\n');
  process.exit(2);
}

const cli = await loadCli();
// exitCode, not exit(): output to a pipe must be flushed before the process ends.
process.exitCode = await cli.runCli(process.argv.slice(2));
