/**
 * Prints which database the suite runs against, so a CI log shows both passes.
 */
export default function setup(): void {
  const url = process.env.TEST_DATABASE_URL;
  process.stdout.write(`\n[efm-onboarding tests] database: ${url ? 'PostgreSQL' : 'SQLite'}\n`);
}
