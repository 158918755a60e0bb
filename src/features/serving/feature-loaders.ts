import DataLoader from 'dataloader';
import type { FeatureView } from '../spec/feature-manifest';
import type { FeatureReadPath, RowRead } from './feature-read-path';
import { EntityNotFoundError } from './serving-errors';

/**
 * DataLoaders of one request (created per request, in the GraphQL context or per REST call):
 * N resolvers asking for N users of a view in the same tick become ONE read-path call, i.e. one
 * cache MGET and one store read for the misses. Each batch answers in key order, with an
 * EntityNotFoundError for a key the store does not have (DataLoader's per-key error contract).
 */
export class FeatureLoaders {
  private readonly byView = new Map<string, DataLoader<string, RowRead>>();

  constructor(private readonly readPath: FeatureReadPath) {}

  rows(view: FeatureView): DataLoader<string, RowRead> {
    let loader = this.byView.get(view.name);
    if (loader === undefined) {
      loader = new DataLoader<string, RowRead>(async (keys) => {
        const reads = await this.readPath.read(view, keys);
        return reads.map((read, i) => (read.row === undefined ? new EntityNotFoundError(view.name, keys[i]!) : read));
      });
      this.byView.set(view.name, loader);
    }
    return loader;
  }

  /** Reads keys of a view through its loader; a missing key is `undefined`, any other error rejects. */
  async readMany(view: FeatureView, keys: readonly string[]): Promise<(RowRead | undefined)[]> {
    const results = await this.rows(view).loadMany(keys);
    return results.map((r) => {
      if (r instanceof EntityNotFoundError) return undefined;
      if (r instanceof Error) throw r;
      return r;
    });
  }
}
