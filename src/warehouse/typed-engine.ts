import { SemanticEngine } from '../semantic';
import { tableKey, type Warehouse } from './warehouse';

/**
 * The engine with the warehouse's own column types: dbt's spec carries none, and whether a time
 * column is a DATE or a TIMESTAMP decides how it is truncated and compared. Read once at start-up;
 * the tables the definitions name but the warehouse lacks are returned, for the caller to report.
 */
export async function typeEngineFromWarehouse(
  engine: SemanticEngine,
  warehouse: Warehouse,
): Promise<{ engine: SemanticEngine; missingTables: string[] }> {
  const relations = engine.manifest.semantic_models.map((m) => ({
    database: m.node_relation.database,
    schema: m.node_relation.schema_name,
    table: m.node_relation.alias,
  }));
  const columns = await warehouse.describeTables(relations);
  const missingTables = relations.filter((r) => !columns.has(tableKey(r))).map((r) => `${r.schema}.${r.table}`);
  const typed = engine.withColumnTypes((relation, column) =>
    columns.get(tableKey({ schema: relation.schema_name, table: relation.alias }))?.get(column.toLowerCase()),
  );
  return { engine: typed, missingTables };
}
