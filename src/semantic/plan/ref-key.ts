import type { FilterReference } from '../filter/filter-ast';

/** A stable key for a filter reference, so each is resolved once per leaf. */
export function refKey(ref: FilterReference): string {
  switch (ref.type) {
    case 'dimension':
    case 'timeDimension':
      return `${ref.type}:${ref.name}:${ref.grain ?? ''}:${ref.datePart ?? ''}`;
    case 'entity':
      return `entity:${ref.name}`;
    case 'metric':
      return `metric:${ref.name}:${ref.groupBy.join(',')}`;
  }
}
