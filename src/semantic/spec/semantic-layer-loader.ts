import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import { DefinitionError, didYouMean, ErrorReporter } from '../errors';
import { DefinitionReader, LoadState, type SpecForm } from './definition-reader';
import type { Metric, ProjectConfiguration, SavedQuery, SemanticManifest, SemanticModel } from './manifest';
import { ManifestValidator } from './manifest-validator';
import { readMetric } from './metric-reader';
import { readDbtModelTimeSpines, readProjectConfiguration, readSavedQuery } from './saved-query-reader';
import { createMetricLabels, readSemanticModel, type RelationOptions } from './semantic-model-reader';
import { childPath, parseJsonDocument, parseYamlDocuments, type SourceDocument } from './source-document';

export interface LoadOptions {
  /** Schema (BigQuery dataset) that `model: ref('x')` resolves to. Default 'marts'. */
  schema?: string;
  database?: string;
}

export interface SpecFile {
  /** Path as problems should name it (relative to the semantic-layer root). */
  path: string;
  text: string;
}

/** Top-level keys of a dbt property file that are not semantic-layer definitions; they are ignored. */
const DBT_PROPERTY_KEYS = [
  'version',
  'models',
  'sources',
  'seeds',
  'snapshots',
  'exposures',
  'macros',
  'analyses',
  'groups',
  'data_tests',
  'unit_tests',
  'tests',
];
const PROJECT_KEYS = ['semantic_models', 'metrics', 'saved_queries'];
const DOCUMENT_KEYS = ['semantic_model', 'metric', 'saved_query', 'project_configuration'];

/**
 * Loads a semantic layer from a folder (every *.yml / *.yaml below it, plus any
 * `semantic_manifest.json`; `features/` and dotfiles are skipped) or from one .json/.yaml file.
 * Throws one DefinitionError listing every problem found.
 */
export function loadSemanticLayer(path: string, options: LoadOptions = {}): SemanticManifest {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new DefinitionError([{ file: path, path: '', message: `Semantic layer path '${path}' does not exist.`, fix: 'Point it at the semantic-layer folder or a semantic_manifest.json.' }]);
  }
  const paths = isDirectory ? findSpecFiles(path) : [path];
  const files = paths.map((p) => ({
    path: isDirectory ? relative(path, p).split(sep).join('/') : basename(p),
    text: readFileSync(p, 'utf8'),
  }));
  return parseSemanticLayerFiles(files, options);
}

function findSpecFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, top: boolean): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        // `features/` holds feature-serving definitions, not semantic-layer objects.
        if (!(top && name === 'features') && name !== 'node_modules') walk(full, false);
      } else if (/\.ya?ml$/.test(name) || name === 'semantic_manifest.json') {
        out.push(full);
      }
    }
  };
  walk(root, true);
  return out;
}

/** Parses and validates in-memory files (the loader without I/O). */
export function parseSemanticLayerFiles(files: SpecFile[], options: LoadOptions = {}): SemanticManifest {
  const relation: RelationOptions = { schema: options.schema ?? 'marts', ...(options.database !== undefined ? { database: options.database } : {}) };
  const reporter = new ErrorReporter();
  const state = new LoadState();
  const collected = new ManifestParts(state);
  for (const file of files) {
    if (extname(file.path).toLowerCase() === '.json') {
      const doc = parseJsonDocument(file.path, file.text, reporter);
      if (doc) readCompiledManifest(new DefinitionReader(reporter, doc, 'json', state), collected, relation);
    } else {
      for (const doc of parseYamlDocuments(file.path, file.text, reporter)) readYamlDocument(doc, reporter, state, collected, relation);
    }
  }
  const manifest = collected.toManifest();
  new ManifestValidator(manifest, state, reporter).validate();
  reporter.throwIfAny();
  return manifest;
}

/** Accumulates objects from every file; remembers which models came from YAML (for create_metric). */
class ManifestParts {
  readonly semanticModels: SemanticModel[] = [];
  readonly metrics: Metric[] = [];
  readonly savedQueries: SavedQuery[] = [];
  readonly timeSpines: NonNullable<ProjectConfiguration['time_spines']> = [];
  readonly createdMetrics: Metric[] = [];

  constructor(private readonly state: LoadState) {}

  addModel(r: DefinitionReader, model: SemanticModel | undefined): void {
    if (!model) return;
    this.semanticModels.push(model);
    // dbt turns `create_metric: true` into a simple metric when it parses YAML; its JSON already has it.
    if (r.form === 'json') return;
    for (const measure of model.measures) {
      if (!measure.create_metric) continue;
      const metric: Metric = {
        name: measure.name,
        type: 'simple',
        type_params: { measure: { name: measure.name } },
      };
      const label = createMetricLabels.get(measure) ?? measure.label;
      if (label !== undefined) metric.label = label;
      if (measure.description !== undefined) metric.description = measure.description;
      // The created metric (and any problem about it) points at the measure that asked for it.
      const origin = this.state.origins.get(measure);
      if (origin) {
        metric.location = origin.reader.location(origin.path);
        this.state.origins.set(metric, origin);
      }
      this.createdMetrics.push(metric);
    }
  }

  toManifest(): SemanticManifest {
    return {
      semantic_models: this.semanticModels,
      metrics: [...this.metrics, ...this.createdMetrics],
      saved_queries: this.savedQueries,
      project_configuration: this.timeSpines.length > 0 ? { time_spines: this.timeSpines } : {},
    };
  }
}

function readYamlDocument(doc: SourceDocument, reporter: ErrorReporter, state: LoadState, parts: ManifestParts, relation: RelationOptions): void {
  const value = doc.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reporter.add({ file: doc.file, path: '', line: doc.valueLines.get(''), message: 'A semantic-layer YAML document must be a mapping.', fix: 'Start it with `semantic_models:`, `metrics:` or `saved_queries:`.' });
    return;
  }
  const keys = Object.keys(value);
  const form: SpecForm = keys.some((k) => DOCUMENT_KEYS.includes(k)) ? 'dsi' : 'dbt';
  const r = new DefinitionReader(reporter, doc, form, state);
  const o = value as Record<string, unknown>;
  if (form === 'dsi') {
    // dbt-semantic-interfaces: exactly one object per document, under its singular key.
    if (keys.length !== 1) {
      r.problem('', `A dbt-semantic-interfaces document holds exactly one object, found keys: ${keys.join(', ')}.`, 'Separate objects with `---`.');
    }
    const key = keys.find((k) => DOCUMENT_KEYS.includes(k))!;
    if (key === 'semantic_model') parts.addModel(r, readSemanticModel(r, o[key], key, relation));
    else if (key === 'metric') push(parts.metrics, readMetric(r, o[key], key));
    else if (key === 'saved_query') push(parts.savedQueries, readSavedQuery(r, o[key], key));
    else parts.timeSpines.push(...(readProjectConfiguration(r, o[key], key).time_spines ?? []));
    return;
  }
  const isSemantic = keys.some((k) => PROJECT_KEYS.includes(k));
  for (const key of keys) {
    if (PROJECT_KEYS.includes(key) || DBT_PROPERTY_KEYS.includes(key)) continue;
    const suggestions = didYouMean(key, [...PROJECT_KEYS, ...DOCUMENT_KEYS]);
    // A file without semantic keys is some other dbt file; only flag keys that look like typos of ours.
    if (!isSemantic && suggestions.length === 0) continue;
    r.problem(
      key,
      `Unknown top-level key '${key}'.${suggestions.length > 0 ? ` Did you mean '${suggestions[0]}'?` : ''}`,
      suggestions.length > 0 ? `Rename it to '${suggestions[0]}'.` : `Use semantic_models:, metrics: or saved_queries: (dbt keys ${DBT_PROPERTY_KEYS.join(', ')} are ignored).`,
    );
  }
  readList(r, o, 'semantic_models', (v, p) => parts.addModel(r, readSemanticModel(r, v, p, relation)));
  readList(r, o, 'metrics', (v, p) => push(parts.metrics, readMetric(r, v, p)));
  readList(r, o, 'saved_queries', (v, p) => push(parts.savedQueries, readSavedQuery(r, v, p)));
  if (Array.isArray(o['models'])) parts.timeSpines.push(...readDbtModelTimeSpines(r, o['models'], relation));
}

function readCompiledManifest(r: DefinitionReader, parts: ManifestParts, relation: RelationOptions): void {
  const o = r.object(r.doc.value, '', 'semantic manifest', {
    optional: ['semantic_models', 'metrics', 'saved_queries', 'project_configuration'],
    dropped: ['metadata'],
  });
  if (!o) return;
  readList(r, o, 'semantic_models', (v, p) => parts.addModel(r, readSemanticModel(r, v, p, relation)));
  readList(r, o, 'metrics', (v, p) => push(parts.metrics, readMetric(r, v, p)));
  readList(r, o, 'saved_queries', (v, p) => push(parts.savedQueries, readSavedQuery(r, v, p)));
  parts.timeSpines.push(...(readProjectConfiguration(r, o['project_configuration'], 'project_configuration').time_spines ?? []));
}

function readList(r: DefinitionReader, o: Record<string, unknown>, key: string, read: (value: unknown, path: string) => void): void {
  (r.list(o, key, '') ?? []).forEach((item, i) => read(item, childPath(key, i)));
}

function push<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}
