// Runs before `npm start`: installs what is missing, then builds dist/ when any
// source file is newer than the last build. Uses only Node built-ins, because it
// must work before node_modules exists.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

run('bash', ['scripts/setup.sh']);

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}
const built = 'dist/src/main.js';
const sources = Math.max(newest('src'), statSync('package-lock.json').mtimeMs, statSync('tsconfig.json').mtimeMs);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('[start] building');
  run('npx', ['tsc', '-p', 'tsconfig.build.json']);
}
