/**
 * The demo generator's version, on its own so that configuration can name the database file without
 * loading the generator. Bump it whenever the generated data or schema changes: the version is part of
 * the default file name and of the stamp inside the file, so an older database is never reused.
 */
export const DEMO_GENERATOR_VERSION = '2';

/** The default file name of the demo database for a scale and seed, e.g. `demo-marts-v2-s1-seed42.duckdb`. */
export function demoDatabaseFileName(scale: number, seed: number): string {
  return `demo-marts-v${DEMO_GENERATOR_VERSION}-s${scale}-seed${seed}.duckdb`;
}
