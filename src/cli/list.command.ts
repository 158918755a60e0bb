import { Command, Option } from 'commander';
import type { CatalogDimension, CatalogEntity, SemanticEngine } from '../semantic';
import { commaList, loadEngine, outputOption, semanticLayerOption } from './cli-options';
import { action, writeStdout } from './cli-runtime';
import { formatResult, type CellValue, type OutputFormat } from './output-format';

interface ListOptions {
  semanticLayer?: string;
  output: OutputFormat;
  metrics?: string[];
  search?: string;
}

type Lister = (engine: SemanticEngine, options: ListOptions) => { columns: string[]; rows: CellValue[][] };

/** `stratum list …`: MetricFlow's `mf list metrics|dimensions|entities|saved-queries`, plus `lineage`. */
export function listCommand(): Command {
  const list = new Command('list').description('browse the metrics, dimensions, entities and saved queries that can be queried');
  list.addHelpText(
    'after',
    `
Examples:
  $ stratum list metrics
  $ stratum list dimensions --metrics revenue,orders
  $ stratum list entities --metrics revenue --output json
  $ stratum list saved-queries --output csv
  $ stratum list lineage --metrics revenue_per_customer`,
  );
  list.addCommand(
    subcommand('metrics', 'every metric with its type, label and description', listMetrics, false).addOption(
      new Option('--search <text>', 'only metrics whose name contains this text'),
    ),
  );
  list.addCommand(subcommand('dimensions', 'dimensions to group by or filter on (common to all of --metrics)', listDimensions, true));
  list.addCommand(subcommand('entities', 'entities (join keys) reachable from the metrics (common to all of --metrics)', listEntities, true));
  list.addCommand(subcommand('saved-queries', 'saved queries with their metrics, group-bys, where filters and exports', listSavedQueries, false));
  list.addCommand(subcommand('lineage', 'what each of --metrics is computed from: input metrics at every depth, measures, tables', listLineage, true));
  return list;
}

function subcommand(name: string, description: string, lister: Lister, takesMetrics: boolean): Command {
  const command = new Command(name).description(description).addOption(semanticLayerOption()).addOption(outputOption());
  if (takesMetrics) {
    command.option('--metrics <names>', 'comma-separated metric names; only what every one of them can use (default: every metric)', commaList);
  }
  command.addHelpText(
    'after',
    `\nExamples:\n  $ stratum list ${name}${takesMetrics ? ' --metrics revenue,orders' : ''}\n  $ stratum list ${name} --output csv > ${name}.csv`,
  );
  return command.action(
    action(async (options: ListOptions) => {
      const engine = loadEngine(options.semanticLayer);
      const { columns, rows } = lister(engine, options);
      await writeStdout(formatResult({ columns: columns.map((c) => ({ name: c, type: 'STRING' })), rows }, options.output));
    }),
  );
}

const listMetrics: Lister = (engine, options) => {
  const search = options.search?.toLowerCase();
  const metrics = engine.catalog.metrics().filter((m) => !search || m.metric.name.toLowerCase().includes(search));
  return {
    columns: ['name', 'type', 'label', 'description', 'granularities'],
    rows: metrics.map((m) => [
      m.metric.name,
      m.metric.type,
      m.metric.label ?? null,
      m.metric.description ?? null,
      m.queryableGranularities.join(','),
    ]),
  };
};

const listDimensions: Lister = (engine, options) => {
  const dimensions = perMetricUnion(engine, options.metrics, (names) => engine.catalog.dimensions(names), mergeGranularities);
  return {
    columns: ['name', 'type', 'granularities', 'semantic_model', 'description'],
    rows: dimensions.map((d) => [d.name, d.type, d.queryableGranularities.join(','), d.semanticModel ?? null, d.description ?? null]),
  };
};

const listEntities: Lister = (engine, options) => {
  const entities = perMetricUnion<CatalogEntity>(engine, options.metrics, (names) => engine.catalog.entities(names));
  return {
    columns: ['name', 'type', 'semantic_model', 'description'],
    rows: entities.map((e) => [e.name, e.type, e.semanticModel, e.description ?? null]),
  };
};

const listSavedQueries: Lister = (engine) => ({
  columns: ['name', 'label', 'metrics', 'group_by', 'where', 'order_by', 'limit', 'exports', 'description'],
  rows: engine.catalog.savedQueries().map((q) => [
    q.name,
    q.label ?? null,
    q.metrics.join(','),
    q.groupBy.map(groupByText).join(','),
    q.where?.whereSqlTemplate ?? null,
    q.orderBy.join(','),
    q.limit ?? null,
    q.exports.map((e) => `${e.name} (${e.exportAs} ${[e.schema, e.alias ?? e.name].filter(Boolean).join('.')})`).join('; ') || null,
    q.description ?? null,
  ]),
});

/** One row per lineage node: the metrics at every depth, then their measures and semantic models (tables). */
const listLineage: Lister = (engine, options) => {
  const names = options.metrics?.length ? options.metrics : engine.catalog.metrics().map((m) => m.metric.name);
  const rows: CellValue[][] = [];
  for (const name of names) {
    const lineage = engine.catalog.lineage(name);
    for (const m of lineage.metrics) {
      const uses = [...m.inputMetrics, ...m.filterMetrics.map((f) => `${f} (filter)`), ...m.measures.map((x) => `${x} (measure)`)];
      rows.push([lineage.metric, 'metric', m.name, m.depth, m.type, uses.join(', ')]);
    }
    for (const m of lineage.measures) rows.push([lineage.metric, 'measure', m.name, null, m.agg, m.semanticModel]);
    for (const s of lineage.semanticModels) rows.push([lineage.metric, 'semantic_model', s.name, null, 'table', s.relation]);
  }
  return { columns: ['metric', 'kind', 'name', 'depth', 'type', 'uses'], rows };
};

function groupByText(g: { name: string; grain?: string | null; datePart?: string | null }): string {
  if (g.datePart) return `${g.name}__extract_${g.datePart}`;
  return g.grain ? `${g.name}__${g.grain}` : g.name;
}

/**
 * With --metrics: what all of those metrics share (MetricFlow's common dimensions). Without: the
 * union over every metric, so that a bare `list dimensions` shows everything that exists.
 */
function perMetricUnion<T extends { name: string }>(
  engine: SemanticEngine,
  metrics: string[] | undefined,
  of: (metricNames: string[]) => T[],
  merge: (a: T, b: T) => T = (a) => a,
): T[] {
  if (metrics && metrics.length > 0) return of(metrics);
  const byName = new Map<string, T>();
  for (const metric of engine.catalog.metrics()) {
    for (const item of of([metric.metric.name])) {
      const seen = byName.get(item.name);
      byName.set(item.name, seen ? merge(seen, item) : item);
    }
  }
  return [...byName.values()];
}

/** metric_time's grains differ per metric; across all metrics the widest list is what some metric allows. */
function mergeGranularities(a: CatalogDimension, b: CatalogDimension): CatalogDimension {
  return b.queryableGranularities.length > a.queryableGranularities.length ? b : a;
}
