import type { FeatureRegistry } from '../../features/serving/feature-registry';
import type { OnlineFeaturesResponse } from '../../features/serving/online-features-response';
import type { FeatureService as FeatureServiceDef, FeatureView as FeatureViewDef } from '../../features/spec/feature-manifest';
import type { FeatureService, FeatureView } from './models/feature-catalog.model';
import type { FeatureStatus, OnlineFeatureRow } from './models/online-features.model';

export function toFeatureView(view: FeatureViewDef, registry: FeatureRegistry): FeatureView {
  return {
    name: view.name,
    entities: view.entities.map((name) => {
      const e = registry.entity(name)!;
      return { name: e.name, joinKey: e.joinKey, valueType: e.valueType, description: e.description };
    }),
    features: view.features.map((f) => ({ name: f.name, valueType: f.dtype, description: f.description, metric: f.metric })),
    timestampField: view.timestampField,
    ttlSeconds: view.ttlSeconds,
    onlineStore: view.onlineStore,
    version: view.version,
    sourceKind: view.source.kind,
    description: view.description,
    owner: view.owner,
  };
}

export function toFeatureService(service: FeatureServiceDef): FeatureService {
  return {
    name: service.name,
    projections: service.projections.map((p) => ({ featureView: p.featureView, features: p.features })),
    description: service.description,
    owner: service.owner,
  };
}

/** Feast's column-wise response → one GraphQL row per entity row. */
export function toOnlineFeatureRows(response: OnlineFeaturesResponse, entityColumns: number): OnlineFeatureRow[] {
  const names = response.metadata.feature_names;
  const rowCount = response.results[0]?.values.length ?? 0;
  const rows: OnlineFeatureRow[] = [];
  for (let i = 0; i < rowCount; i++) {
    const entities: Record<string, unknown> = {};
    for (let c = 0; c < entityColumns; c++) entities[names[c]!] = response.results[c]!.values[i];
    rows.push({
      entities,
      features: names.slice(entityColumns).map((name, j) => {
        const column = response.results[entityColumns + j]!;
        const status = column.statuses[i] as FeatureStatus;
        return { name, value: column.values[i], status, eventTimestamp: status === 'NOT_FOUND' ? null : column.event_timestamps[i]! };
      }),
    });
  }
  return rows;
}
