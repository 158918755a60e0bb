import type { SemanticGraph } from '../model/semantic-graph';
import type { LogicalPlan } from '../plan/logical-plan';
import type { SqlDialect } from './dialect';
import type { SelectNode } from './sql-node';

/** What the SQL builders share for one query. */
export interface SqlBuildContext {
  graph: SemanticGraph;
  /** The target dialect, when known: unsupported aggregations then fail naming their measure. */
  dialect?: SqlDialect;
  /** Builds a nested plan (a metric used in a filter) with the same context. */
  nested: (plan: LogicalPlan) => SelectNode;
}
