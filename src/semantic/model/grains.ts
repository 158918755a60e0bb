import { TIME_GRANULARITIES } from '../spec/manifest';

const GRAIN_RANK = new Map<string, number>(TIME_GRANULARITIES.map((g, i) => [g, i]));

/** A standard grain's rank, finest first; -1 for names that are not standard grains. */
export function grainRank(grain: string): number {
  return GRAIN_RANK.get(grain) ?? -1;
}

export function isStandardGrain(grain: string): boolean {
  return GRAIN_RANK.has(grain);
}
