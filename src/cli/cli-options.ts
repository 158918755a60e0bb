import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { semanticLayerSettings } from '../config/app-config';
import { SemanticEngine, type LoadOptions } from '../semantic';
import { OUTPUT_FORMATS } from './output-format';

/** Option parsers and the options several commands share. */

/** `--metrics a,b --metrics c` → ['a', 'b', 'c'] (as `mf query` takes them). */
export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

/** Repeatable option kept whole: a filter may itself contain commas (`IN ('a', 'b')`). */
export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number, e.g. 100.');
  return Number(value);
}

export function semanticLayerOption(): Option {
  return new Option(
    '--semantic-layer <path>',
    'folder of semantic-layer YAML, or a semantic_manifest.json (default: $STRATUM_SEMANTIC_LAYER, else the project\'s semantic-layer/)',
  );
}

export function outputOption(): Option {
  return new Option('--output <format>', 'how to print results').choices([...OUTPUT_FORMATS]).default('table');
}

export interface SemanticLayerSource {
  path: string;
  load: LoadOptions;
}

/**
 * Where the definitions are and which schema `ref()` resolves to, read as the service's config reads
 * them (STRATUM_SEMANTIC_LAYER, STRATUM_DBT_SCHEMA, STRATUM_DBT_DATABASE) but without validating the
 * warehouse settings, which `validate`, `list` and `compile` do not need.
 */
export function semanticLayerSource(cliPath: string | undefined, env: NodeJS.ProcessEnv = process.env): SemanticLayerSource {
  const settings = semanticLayerSettings(env);
  return { path: cliPath === undefined ? settings.semanticLayerPath : resolve(cliPath), load: { schema: settings.dbtSchema, database: settings.dbtDatabase } };
}

export function loadEngine(cliPath: string | undefined): SemanticEngine {
  const source = semanticLayerSource(cliPath);
  return SemanticEngine.load(source.path, source.load);
}
