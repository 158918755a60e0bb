import { ErrorReporter } from './errors';
import { parseExpression, parseWhereFilter } from './filter/filter-parser';
import { SemanticCatalog } from './model/semantic-catalog';
import { SemanticGraph } from './model/semantic-graph';
import type { LogicalPlan } from './plan/logical-plan';
import { normalizeMetricQuery, type MetricQueryInput } from './plan/metric-query';
import { QueryPlanner } from './plan/query-planner';
import type { DialectName, SqlDialect } from './sql/dialect';
import { dialectByName } from './sql/dialects';
import { buildQuery } from './sql/query-builder';
import type { ParameterValue } from './sql/sql-renderer';
import type { SemanticManifest } from './spec/manifest';
import { loadSemanticLayer, type LoadOptions } from './spec/semantic-layer-loader';

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

  constructor(readonly manifest: SemanticManifest) {
    validateExpressions(manifest);
    this.graph = new SemanticGraph(manifest);
    this.catalog = new SemanticCatalog(this.graph);
    this.planner = new QueryPlanner(this.graph);
  }

  /** Loads and validates a semantic layer (a folder of YAML, or a semantic_manifest.json). */
  static load(path: string, options?: LoadOptions): SemanticEngine {
    return new SemanticEngine(loadSemanticLayer(path, options));
  }

  plan(input: MetricQueryInput): LogicalPlan {
    return this.planner.plan(normalizeMetricQuery(input, this.graph));
  }

  compile(input: MetricQueryInput, dialect: DialectName | SqlDialect): CompiledQuery {
    const d = typeof dialect === 'string' ? dialectByName(dialect) : dialect;
    const plan = this.plan(input);
    const { sql, parameters } = d.createRenderer().render(buildQuery(plan, d));
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
