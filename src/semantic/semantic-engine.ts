import { ErrorReporter, SemanticError } from './errors';
import { parseExpression, parseWhereFilter } from './filter/filter-parser';
import { JoinResolver } from './model/join-resolver';
import { SemanticCatalog } from './model/semantic-catalog';
import { SemanticGraph, type ColumnTypeLookup } from './model/semantic-graph';
import type { LogicalPlan } from './plan/logical-plan';
import { normalizeMetricQuery, type MetricQueryInput } from './plan/metric-query';
import { QueryPlanner } from './plan/query-planner';
import type { DialectName, SqlDialect } from './sql/dialect';
import { dialectByName } from './sql/dialects';
import { buildQuery } from './sql/query-builder';
import type { ParameterValue } from './sql/sql-renderer';
import type { SemanticManifest } from './spec/manifest';
import { loadSemanticLayer, type LoadOptions } from './spec/semantic-layer-loader';

export interface EngineOptions {
  /** Column types read from the warehouse; without them, time types follow the declared grains. */
  columnTypes?: ColumnTypeLookup;
}

export interface CompiledColumn {
  name: string;
  kind: 'metric' | 'categorical' | 'time' | 'entity';
}

/** A metric query compiled for one warehouse: SQL text, its named parameters, and what each column is. */
export interface CompiledQuery {
  sql: string;
  parameters: Record<string, ParameterValue>;
  dialect: DialectName;
  columns: CompiledColumn[];
}

/**
 * The semantic layer as a library: definitions in, SQL out. Framework-free; the GraphQL service
 * and the CLI both use it. Build one per set of definitions (construction validates them all) and
 * reuse it: compiling is synchronous and does no I/O.
 */
export class SemanticEngine {
  readonly graph: SemanticGraph;
  readonly catalog: SemanticCatalog;
  private readonly planner: QueryPlanner;

  /** `validated` is for withColumnTypes: the same definitions were already checked once. */
  constructor(
    readonly manifest: SemanticManifest,
    options: EngineOptions = {},
    validated = false,
  ) {
    if (!validated) validateExpressions(manifest);
    this.graph = new SemanticGraph(manifest, options.columnTypes);
    const resolver = new JoinResolver(this.graph);
    this.catalog = new SemanticCatalog(this.graph, resolver);
    this.planner = new QueryPlanner(this.graph, resolver);
    if (!validated) this.validatePlans();
  }

  /** Loads and validates a semantic layer (a folder of YAML, or a semantic_manifest.json). */
  static load(path: string, options?: LoadOptions): SemanticEngine {
    return new SemanticEngine(loadSemanticLayer(path, options));
  }

  /** The same definitions, with the warehouse's column types (read once at start-up) deciding time types. */
  withColumnTypes(columnTypes: ColumnTypeLookup): SemanticEngine {
    return new SemanticEngine(this.manifest, { columnTypes }, true);
  }

  /**
   * Every metric and saved query must plan: a metric filter, derived expression or saved-query
   * group-by naming something that does not exist is a definition problem, reported at load with
   * the file it is in, not on each caller's query. Constructs not compiled yet are left out.
   */
  private validatePlans(): void {
    const reporter = new ErrorReporter();
    const check = (input: MetricQueryInput, where: { location?: { file: string; line?: number } }, path: string) => {
      try {
        this.compile(input, 'duckdb');
      } catch (e) {
        if (!(e instanceof SemanticError) || e.code === 'UNSUPPORTED') return;
        reporter.add({
          file: where.location?.file ?? '(manifest)',
          line: where.location?.line,
          path,
          message: `[${e.code}] ${e.message}`,
          fix:
            e.code === 'INVALID_DEFINITION'
              ? 'Change the definition as the message says.'
              : 'Correct the names it uses; `stratum list dimensions --metrics <metric>` lists what each metric reaches.',
        });
      }
    };
    // By metric_time: offsets and cumulative windows need periods to relate.
    for (const metric of this.manifest.metrics) check({ metrics: [metric.name], groupBy: ['metric_time'] }, metric, `metrics.${metric.name}`);
    for (const q of this.manifest.saved_queries) check({ savedQuery: q.name }, q, `saved_queries.${q.name}`);
    reporter.throwIfAny();
  }

  plan(input: MetricQueryInput): LogicalPlan {
    return this.planner.plan(normalizeMetricQuery(input, this.graph));
  }

  compile(input: MetricQueryInput, dialect: DialectName | SqlDialect): CompiledQuery {
    const d = typeof dialect === 'string' ? dialectByName(dialect) : dialect;
    const plan = this.plan(input);
    const { sql, parameters } = d.createRenderer().render(buildQuery(plan, this.graph, d));
    return {
      sql,
      parameters,
      dialect: d.name,
      columns: [
        ...plan.groupBy.map((g) => ({ name: g.outputName, kind: g.kind })),
        ...plan.metrics.map((m) => ({ name: m.outputName, kind: 'metric' as const })),
      ],
    };
  }
}

/** Metric filters and derived expressions are parsed like callers' filters; report every bad one at once. */
function validateExpressions(manifest: SemanticManifest): void {
  const reporter = new ErrorReporter();
  const check = (text: string, allowIdentifiers: boolean, file: string, path: string) => {
    try {
      (allowIdentifiers ? parseExpression(text, { allowIdentifiers }) : parseWhereFilter(text));
    } catch (e) {
      reporter.add({ file, path, message: (e as Error).message, fix: 'Write filters in MetricFlow syntax, e.g. {{ Dimension(\'order__status\') }} = \'paid\'.' });
    }
  };
  manifest.metrics.forEach((metric) => {
    const file = metric.location?.file ?? '(manifest)';
    const at = `metrics.${metric.name}`;
    metric.filter?.where_filters.forEach((f, i) => check(f.where_sql_template, false, file, `${at}.filter[${i}]`));
    const p = metric.type_params;
    if (p.expr) check(p.expr, true, file, `${at}.type_params.expr`);
    for (const [key, input] of [
      ['measure', p.measure],
      ['numerator', p.numerator],
      ['denominator', p.denominator],
      ...(p.metrics ?? []).map((m, i) => [`metrics[${i}]`, m] as const),
    ] as const) {
      input?.filter?.where_filters.forEach((f, i) => check(f.where_sql_template, false, file, `${at}.type_params.${key}.filter[${i}]`));
    }
  });
  manifest.saved_queries.forEach((q) => {
    q.query_params.where?.where_filters.forEach((f, i) =>
      check(f.where_sql_template, false, q.location?.file ?? '(manifest)', `saved_queries.${q.name}.query_params.where[${i}]`),
    );
  });
  reporter.throwIfAny();
}
