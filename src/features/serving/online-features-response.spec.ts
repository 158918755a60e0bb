import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureManifest, FeatureView } from '../spec/feature-manifest';
import type { StoredRow } from '../online-store/online-store';
import type { RowRead } from './feature-read-path';
import { FeatureRegistry } from './feature-registry';
import { parseOnlineFeaturesRequest } from './online-features-request';
import { buildOnlineFeaturesResponse, writeOnlineFeaturesJsonParts, type OnlineFeaturesResponse } from './online-features-response';
import { FeatureValueCodec } from '../online-store/embedded/feature-value-codec';
import { splitEncodedRow, TextRow } from '../online-store/row-text';

/*
 * Units, no I/O: the REST route writes Feast's response as text (writeOnlineFeaturesJsonParts, joined), GraphQL
 * builds it as an object (buildOnlineFeaturesResponse). The text must be exactly the object's
 * JSON, for every kind of cell — also when it is joined from the JSON memoised on shared rows.
 */

const view = (name: string, entity: string, joinKey: string, features: FeatureView['features'], ttlSeconds: number): FeatureView => ({
  name, entities: [entity], joinKeys: [joinKey], features,
  source: { kind: 'table', table: `marts.${name}` }, timestampField: 'ts', ttlSeconds, onlineStore: 'embedded', version: 1, tags: {},
});

const USERS = view('user_features', 'user', 'user_id', [
  { name: 'score', dtype: 'Float64' }, { name: 'visits', dtype: 'Int64' }, { name: 'country', dtype: 'String' },
  { name: 'active', dtype: 'Bool' }, { name: 'avatar', dtype: 'Bytes' }, { name: 'embedding', dtype: 'Array(Float32)' },
  { name: 'blobs', dtype: 'Array(Bytes)' },
], 3600);
const ITEMS = view('item_features', 'item', 'item_id', [{ name: 'score', dtype: 'Float64' }, { name: 'title', dtype: 'String' }], 0);

const manifest: FeatureManifest = {
  entities: [
    { name: 'user', joinKey: 'user_id', valueType: 'STRING', tags: {} },
    { name: 'item', joinKey: 'item_id', valueType: 'INT64', tags: {} },
  ],
  featureViews: [USERS, ITEMS],
  featureServices: [],
};
const registry = new FeatureRegistry(manifest);
const NOW = new Date('2026-12-06T12:00:00.000Z');

const row = (entityKey: string, values: StoredRow['values'], eventTimestamp: Date): StoredRow => ({ entityKey, values, eventTimestamp });
const read = (r: StoredRow | undefined, shared = false): RowRead => ({ row: r, source: 'cache', shared });

const fresh = row('u1', {
  score: 0.25, visits: 12, country: 'Zürich "quoted" \\ \n', active: true, avatar: new Uint8Array([0, 1, 254]),
  embedding: [0.5, -1, 3e-7], blobs: [new Uint8Array([9]), new Uint8Array([])],
}, new Date('2026-12-06T11:30:00.250Z'));
const withNulls = row('u2', { score: null, visits: Number.NaN, country: '', active: false, avatar: null, embedding: [] }, new Date('2026-12-06T11:59:59.000Z'));
const expired = row('u3', { score: 1, visits: 1, country: 'FR', active: true, avatar: null, embedding: [1], blobs: [] }, new Date('2026-12-06T10:00:00.000Z'));
const item = row('42', { score: 9.5, title: 'Ünïcode ✓' }, new Date('2020-01-01T00:00:00.000Z'));

function both(body: unknown, reads: Map<string, (RowRead | undefined)[]>, now = NOW): { text: string; object: OnlineFeaturesResponse } {
  const request = parseOnlineFeaturesRequest(body, registry, { maxEntityRows: 1000 });
  return { text: writeOnlineFeaturesJsonParts(request, reads, now).join(''), object: buildOnlineFeaturesResponse(request, reads, now) };
}

const ALL_USER_FEATURES = USERS.features.map((f) => `user_features:${f.name}`);

describe('writeOnlineFeaturesJsonParts', () => {
  it('writes exactly the JSON of the built response: present, null, NaN, missing, expired, bytes and arrays', () => {
    const body = { features: ALL_USER_FEATURES, entities: { user_id: ['u1', 'u2', 'nobody', 'u3', 'gone'] } };
    const { text, object } = both(body, new Map([['user_features', [read(fresh), read(withNulls), read(undefined), read(expired), undefined]]]));
    assert.equal(text, JSON.stringify(object));
    // Rows the near cache shares keep their cells' JSON: the first and the second write (from the memo) are the same text.
    const shared = new Map([['user_features', [read(fresh, true), read(withNulls, true), read(undefined), read(expired, true), undefined]]]);
    assert.equal(both(body, shared).text, text);
    assert.equal(both(body, shared).text, text);
    // Rows from the shared cache's text carry their cells' JSON as cut from it.
    const fromCache = (row: StoredRow) => {
      const codec = FeatureValueCodec.for(USERS);
      return new TextRow(splitEncodedRow(JSON.stringify(codec.encodeRow(row)))!, codec);
    };
    const storable = { ...withNulls, values: { ...withNulls.values, visits: null } }; // NaN cannot be stored
    const cached = both(body, new Map([['user_features', [read(fromCache(fresh)), read(fromCache(storable)), read(undefined), read(fromCache(expired)), undefined]]]));
    assert.equal(cached.text, JSON.stringify(cached.object));
    assert.deepEqual(JSON.parse(cached.text).results[5].values, ['AAH+', null, null, null, null]);
    const parsed = JSON.parse(text) as OnlineFeaturesResponse;
    assert.deepEqual(parsed.metadata.feature_names, ['user_id', ...USERS.features.map((f) => f.name)]);
    const score = parsed.results[1]!;
    assert.deepEqual(score.values, [0.25, null, null, null, null]);
    assert.deepEqual(score.statuses, ['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE', 'NOT_FOUND']);
    assert.deepEqual(score.event_timestamps, ['2026-12-06T11:30:00.250Z', '2026-12-06T11:59:59Z', '1970-01-01T00:00:00Z', '2026-12-06T10:00:00Z', '1970-01-01T00:00:00Z']);
    // NaN is not null: the value is present, and JSON can only write it as null (as JSON.stringify does).
    assert.deepEqual(parsed.results[2]!.statuses.slice(0, 2), ['PRESENT', 'PRESENT']);
    assert.deepEqual(parsed.results[5]!.values[0], 'AAH+');
    // A feature absent from the stored row reads as NULL_VALUE.
    assert.deepEqual(parsed.results[7]!.statuses[1], 'NULL_VALUE');
  });

  it('writes the same text for a few rows read for this request alone (joined from their cells) as for many (built, then serialized)', () => {
    const few = { features: ALL_USER_FEATURES, entities: { user_id: ['u1', 'u2', 'u3'] } };
    const fewRead = both(few, new Map([['user_features', [read(fresh), read(withNulls), read(expired)]]]));
    assert.equal(fewRead.text, JSON.stringify(fewRead.object));
    const manyKeys = Array.from({ length: 12 }, (_, i) => `u${i}`);
    const many = both({ features: ALL_USER_FEATURES, entities: { user_id: manyKeys } }, new Map([['user_features', manyKeys.map((_, i) => read([fresh, withNulls, expired][i % 3]))]]));
    assert.equal(many.text, JSON.stringify(many.object));
  });

  it('comes in pieces no larger than a column: the head, each column and the commas between, the tail', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `u${i}`);
    const request = parseOnlineFeaturesRequest({ features: ALL_USER_FEATURES, entities: { user_id: keys } }, registry, { maxEntityRows: 1000 });
    for (const shared of [true, false]) {
      // Shared rows are joined from their cells; rows read for this request alone are built, then serialized column by column.
      const reads = new Map([['user_features', keys.map((_, i) => read([fresh, withNulls, expired][i % 3], shared))]]);
      const parts = writeOnlineFeaturesJsonParts(request, reads, NOW);
      const object = buildOnlineFeaturesResponse(request, reads, NOW);
      assert.equal(parts.length, 2 * object.results.length + 1);
      assert.equal(parts.join(''), JSON.stringify(object));
      object.results.forEach((column, i) => {
        assert.equal(parts[2 * i + 1], JSON.stringify(column));
        assert.equal(parts[2 * i + 2], i < object.results.length - 1 ? ',' : ']}');
      });
    }
  });

  it('matches with full feature names, two views and two entity columns (Feast order: entity columns first)', () => {
    // One view's rows from the near cache (shared), the other's decoded for this request alone.
    const reads = new Map([
      ['user_features', [read(fresh, true), read(undefined)]],
      ['item_features', [read(item), read(undefined)]],
    ]);
    const { text, object } = both({ features: ['item_features:title', 'user_features:country', 'item_features:score'], entities: { item_id: [42, 7], user_id: ['u1', 'u9'] }, full_feature_names: true }, reads);
    assert.equal(text, JSON.stringify(object));
    assert.deepEqual((JSON.parse(text) as OnlineFeaturesResponse).metadata.feature_names.slice(0, 2), ['item_id', 'user_id']);
  });

  it('decides expiry at each call although a row\'s JSON is kept on the row object', () => {
    const reads = new Map([['user_features', [read(fresh, true)]]]);
    const body = { features: ['user_features:score'], entities: { user_id: ['u1'] } };
    const first = both(body, reads);
    const later = both(body, reads, new Date(NOW.getTime() + 2 * 3600_000));
    assert.equal(later.text, JSON.stringify(later.object));
    assert.deepEqual(JSON.parse(first.text).results[1].statuses, ['PRESENT']);
    assert.deepEqual(JSON.parse(later.text).results[1].statuses, ['OUTSIDE_MAX_AGE']);
    assert.deepEqual(JSON.parse(later.text).results[1].values, [null]);
  });
});
