import type { FeatureLoaders } from '../../features/serving/feature-loaders';
import type { FeatureServer } from '../../features/serving/feature-server';

const scoped = new WeakMap<object, Map<unknown, unknown>>();

/**
 * Something created once per GraphQL request (its DataLoaders). Mercurius creates one context
 * object per request, so keying on it gives every resolver of a request the same instance (one
 * batch per tick) and no request ever sees another's cached values; `owner` tells kinds apart.
 */
export function requestScoped<T>(context: object, owner: object, create: () => T): T {
  let byOwner = scoped.get(context);
  if (byOwner === undefined) {
    byOwner = new Map();
    scoped.set(context, byOwner);
  }
  if (!byOwner.has(owner)) byOwner.set(owner, create());
  return byOwner.get(owner) as T;
}

/** The feature DataLoaders of the current GraphQL request. */
export function requestLoaders(context: object, server: FeatureServer): FeatureLoaders {
  return requestScoped(context, server, () => server.loaders());
}
