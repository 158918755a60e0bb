import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { DefinitionError, ErrorReporter } from '../../semantic/errors';
import type { SemanticEngine } from '../../semantic/semantic-engine';
import type { SpecFile } from '../../semantic/spec/semantic-layer-loader';
import { parseYamlDocuments } from '../../semantic/spec/source-document';
import { FeatureDefinitionsReader } from './feature-definitions-reader';
import { FeatureDefinitionsValidator } from './feature-definitions-validator';
import type { FeatureManifest, OnlineStoreKind } from './feature-manifest';

export interface FeatureLoadOptions {
  /** Online store of views that name none (the configured STRATUM_ONLINE_STORE). Default embedded. */
  defaultOnlineStore?: OnlineStoreKind;
}

/**
 * Loads every *.yml / *.yaml below `dir` (usually `semantic-layer/features`). With an engine,
 * metric-backed views are checked against the semantic layer. Throws one DefinitionError
 * listing every problem; files are named relative to `dir`'s parent (`features/x.yml`).
 */
export function loadFeatureDefinitions(dir: string, engine?: SemanticEngine, options: FeatureLoadOptions = {}): FeatureManifest {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new DefinitionError([{ file: dir, path: '', message: `Feature definitions folder '${dir}' does not exist.`, fix: 'Create semantic-layer/features/ or point the loader at it.' }]);
  }
  const root = dirname(dir);
  const paths = isDirectory ? findYamlFiles(dir) : [dir];
  const files = paths.map((p) => ({ path: relative(root, p).split(sep).join('/') || basename(p), text: readFileSync(p, 'utf8') }));
  return parseFeatureDefinitionFiles(files, engine, options);
}

/** Parses and validates in-memory files (the loader without I/O). */
export function parseFeatureDefinitionFiles(files: SpecFile[], engine?: SemanticEngine, options: FeatureLoadOptions = {}): FeatureManifest {
  const reporter = new ErrorReporter();
  const reader = new FeatureDefinitionsReader(reporter, options.defaultOnlineStore ?? 'embedded');
  for (const file of files) {
    for (const doc of parseYamlDocuments(file.path, file.text, reporter)) reader.read(doc);
  }
  const manifest = reader.manifest;
  new FeatureDefinitionsValidator(manifest, reader, reporter, engine).validate();
  reporter.throwIfAny();
  return manifest;
}

function findYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findYamlFiles(full));
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}
