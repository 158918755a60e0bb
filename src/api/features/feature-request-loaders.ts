import type { FeatureLoaders } from '../../features/serving/feature-loaders';
import type { FeatureServer } from '../../features/serving/feature-server';

const perRequest = new WeakMap<object, FeatureLoaders>();

/**
 * The DataLoaders of the current GraphQL request. Mercurius creates one context object per
 * request, so keying on it gives every resolver of a request the same loaders (one batch per
 * view per tick) and no request ever sees another's cached values.
 */
export function requestLoaders(context: object, server: FeatureServer): FeatureLoaders {
  let loaders = perRequest.get(context);
  if (loaders === undefined) {
    loaders = server.loaders();
    perRequest.set(context, loaders);
  }
  return loaders;
}
