import type { FeatureView } from './feature-manifest';

/**
 * Memoizes something derived from a feature view (a codec, a cache namespace), once per view
 * object: loaded views are immutable, and a view of another version is another object.
 */
export function perView<T>(create: (view: FeatureView) => T): (view: FeatureView) => T {
  const cache = new WeakMap<FeatureView, T>();
  return (view) => {
    let value = cache.get(view);
    if (value === undefined) {
      value = create(view);
      cache.set(view, value);
    }
    return value;
  };
}
