import { readFilter } from './common-readers';
import { compact, type DefinitionReader } from './definition-reader';
import type { ProjectConfiguration, SavedQuery, SavedQueryExport, TimeSpine } from './manifest';
import { TIME_GRANULARITIES } from './manifest';
import { readNodeRelation } from './semantic-model-reader';
import { childPath } from './source-document';

/** Reads one saved query (any form) into the manifest shape. */
export function readSavedQuery(r: DefinitionReader, value: unknown, path: string): SavedQuery | undefined {
  const o = r.object(value, path, 'saved query', {
    required: ['name', 'query_params'],
    optional: ['description', 'label', 'exports', 'tags', ...(r.form === 'dbt' ? ['config'] : [])],
    dropped: r.form === 'json' ? ['metadata'] : [],
  });
  if (!o) return undefined;
  const configPath = childPath(path, 'config');
  const config = r.object(o['config'], configPath, 'config', {
    optional: ['enabled', 'group', 'meta', 'cache', 'export_as', 'schema', 'tags'],
  });
  if (config && r.boolean(config, 'enabled', configPath) === false) return undefined;
  const qpPath = childPath(path, 'query_params');
  const qp = r.object(o['query_params'], qpPath, 'query_params', {
    required: ['metrics'],
    optional: ['group_by', 'where', 'order_by', 'limit'],
  });
  const name = r.name(o, 'name', path);
  const metrics = qp ? r.stringList(qp, 'metrics', qpPath) : undefined;
  if (qp && metrics?.length === 0) r.problem(childPath(qpPath, 'metrics'), 'A saved query needs at least one metric.', 'List the metrics to query.');
  const limit = qp ? r.number(qp, 'limit', qpPath, true) : undefined;
  if (limit !== undefined && limit < 0) r.problem(childPath(qpPath, 'limit'), `limit must be zero or more, got ${limit}.`);
  const orderBy = qp ? r.stringList(qp, 'order_by', qpPath) : undefined;
  const exportsPath = childPath(path, 'exports');
  const exports = (r.list(o, 'exports', path) ?? []).flatMap((v, i) => {
    const e = readExport(r, v, childPath(exportsPath, i));
    return e ? [e] : [];
  });
  const tags = [...(r.stringList(o, 'tags', path) ?? []), ...(config ? r.stringList(config, 'tags', configPath) ?? [] : [])];
  const query: SavedQuery = compact({
    name: name ?? '',
    description: r.string(o, 'description', path),
    label: r.string(o, 'label', path),
    query_params: compact({
      metrics: metrics ?? [],
      group_by: (qp ? r.stringList(qp, 'group_by', qpPath) : undefined) ?? [],
      where: qp ? readFilter(r, qp['where'], childPath(qpPath, 'where')) : undefined,
      // dbt's JSON writes `order_by: []`; empty means none.
      order_by: orderBy && orderBy.length > 0 ? orderBy : undefined,
      limit,
    }),
    exports: exports.length > 0 ? exports : undefined,
    tags: tags.length > 0 ? tags : undefined,
    location: r.location(path),
  });
  if (name === undefined || !qp) {
    r.markBroken('saved_query', o);
    return undefined;
  }
  return r.track(query, path);
}

function readExport(r: DefinitionReader, value: unknown, path: string): SavedQueryExport | undefined {
  const o = r.object(value, path, 'export', { required: ['name', 'config'] });
  if (!o) return undefined;
  const configPath = childPath(path, 'config');
  // The YAML forms say `schema`, dbt's JSON says `schema_name`.
  const schemaKey = r.form === 'json' ? 'schema_name' : 'schema';
  const c = r.object(o['config'], configPath, 'export config', {
    required: ['export_as'],
    optional: [schemaKey, 'alias'],
    dropped: r.form === 'json' ? ['database'] : [],
  });
  const name = r.string(o, 'name', path);
  const exportAs = c ? r.oneOf(c, 'export_as', configPath, ['table', 'view'] as const) : undefined;
  if (name === undefined || !c || exportAs === undefined) return undefined;
  return {
    name,
    config: compact({ export_as: exportAs, schema_name: r.string(c, schemaKey, configPath), alias: r.string(c, 'alias', configPath) }),
  };
}

/** `project_configuration` (dbt-semantic-interfaces documents and dbt's JSON): the time spines. */
export function readProjectConfiguration(r: DefinitionReader, value: unknown, path: string): ProjectConfiguration {
  const o = r.object(value, path, 'project_configuration', {
    optional: ['time_spines'],
    dropped: ['time_spine_table_configurations', 'metadata', 'dsi_package_version'],
  });
  if (!o) return {};
  const spinesPath = childPath(path, 'time_spines');
  const spines = (r.list(o, 'time_spines', path) ?? []).flatMap((v, i) => {
    const spine = readTimeSpine(r, v, childPath(spinesPath, i));
    return spine ? [spine] : [];
  });
  return spines.length > 0 ? { time_spines: spines } : {};
}

function readTimeSpine(r: DefinitionReader, value: unknown, path: string): TimeSpine | undefined {
  // DSI documents call the list `custom_granularity_columns`; dbt's JSON calls it `custom_granularities`.
  const o = r.object(value, path, 'time spine', {
    required: ['node_relation', 'primary_column'],
    optional: ['custom_granularities', 'custom_granularity_columns'],
  });
  if (!o) return undefined;
  const relation = readNodeRelation(r, o['node_relation'], childPath(path, 'node_relation'));
  const pcPath = childPath(path, 'primary_column');
  const pc = r.object(o['primary_column'], pcPath, 'primary_column', { required: ['name', 'time_granularity'] });
  const columnName = pc ? r.string(pc, 'name', pcPath) : undefined;
  const grain = pc ? r.oneOf(pc, 'time_granularity', pcPath, TIME_GRANULARITIES) : undefined;
  const key = o['custom_granularities'] !== undefined ? 'custom_granularities' : 'custom_granularity_columns';
  const customPath = childPath(path, key);
  const custom = (r.list(o, key, path) ?? []).flatMap((v, i) => {
    const p = childPath(customPath, i);
    const c = r.object(v, p, 'custom granularity', { required: ['name'], optional: ['column_name'] });
    const name = c ? r.string(c, 'name', p) : undefined;
    return c && name !== undefined ? [compact({ name, column_name: r.string(c, 'column_name', p) })] : [];
  });
  if (!relation || columnName === undefined || grain === undefined) return undefined;
  return compact({
    node_relation: relation,
    primary_column: { name: columnName, time_granularity: grain },
    custom_granularities: custom.length > 0 ? custom : undefined,
  });
}

/**
 * dbt's own form of a time spine: a model in a `models:` property file with a `time_spine:`
 * config, its standard granularity column's `granularity` set on the column. Other model entries
 * (and every other dbt key of a model) are not the semantic layer's business and are skipped.
 */
export function readDbtModelTimeSpines(r: DefinitionReader, models: unknown[], relation: { schema: string; database?: string }): TimeSpine[] {
  const spines: TimeSpine[] = [];
  models.forEach((value, i) => {
    if (typeof value !== 'object' || value === null || !('time_spine' in value)) return;
    const model = value as Record<string, unknown>;
    const path = childPath('models', i);
    const name = r.string(model, 'name', path);
    const spinePath = childPath(path, 'time_spine');
    const o = r.object(model['time_spine'], spinePath, 'time_spine', {
      required: ['standard_granularity_column'],
      optional: ['custom_granularities'],
    });
    if (!o || name === undefined) return;
    const column = r.string(o, 'standard_granularity_column', spinePath);
    const columns = Array.isArray(model['columns']) ? (model['columns'] as Record<string, unknown>[]) : [];
    const declared = columns.find((c) => c && typeof c === 'object' && c['name'] === column);
    const grain = declared?.['granularity'];
    if (column !== undefined && (typeof grain !== 'string' || !(TIME_GRANULARITIES as readonly string[]).includes(grain))) {
      r.problem(
        childPath(path, 'columns'),
        `Time spine '${name}': its standard granularity column '${column}' needs a granularity (one of ${TIME_GRANULARITIES.join(', ')}).`,
        `Add \`columns: [{name: ${column}, granularity: day}]\` to the model.`,
      );
      return;
    }
    const customPath = childPath(spinePath, 'custom_granularities');
    const custom = (r.list(o, 'custom_granularities', spinePath) ?? []).flatMap((v, j) => {
      const p = childPath(customPath, j);
      const c = r.object(v, p, 'custom granularity', { required: ['name'], optional: ['column_name'] });
      const customName = c ? r.string(c, 'name', p) : undefined;
      return c && customName !== undefined ? [compact({ name: customName, column_name: r.string(c, 'column_name', p) })] : [];
    });
    const config = model['config'] as Record<string, unknown> | undefined;
    const alias = typeof config?.['alias'] === 'string' ? config['alias'] : name;
    if (column === undefined) return;
    spines.push(
      compact({
        node_relation: compact({ alias, schema_name: relation.schema, database: relation.database }),
        primary_column: { name: column, time_granularity: grain as string },
        custom_granularities: custom.length > 0 ? custom : undefined,
      }),
    );
  });
  return spines;
}
