import { SemanticError } from '../errors';
import type { NodeRelation, SemanticManifest } from '../spec/manifest';
import { grainRank } from './grains';

/** The project's time spine: one row per period of `grain`, plus the columns of its custom granularities. */
export interface TimeSpineRef {
  relation: NodeRelation;
  column: string;
  grain: string;
  /** custom granularity name → its column. */
  custom: Map<string, string>;
}

/**
 * The project's time spines (dbt `time_spine:` models / `project_configuration.time_spines`). Like
 * MetricFlow, a query reads the spine of the finest grain that is not finer than it needs; custom
 * granularities are columns of a spine, named across all spines.
 */
export class TimeSpines {
  private readonly spines: TimeSpineRef[];
  /** custom granularity name → the spine holding its column. */
  readonly customGrains = new Map<string, TimeSpineRef>();

  constructor(manifest: SemanticManifest) {
    this.spines = (manifest.project_configuration.time_spines ?? [])
      .map((s) => ({
        relation: s.node_relation,
        column: s.primary_column.name,
        grain: s.primary_column.time_granularity,
        custom: new Map((s.custom_granularities ?? []).map((c) => [c.name.toLowerCase(), c.column_name ?? c.name])),
      }))
      .sort((a, b) => grainRank(a.grain) - grainRank(b.grain));
    for (const spine of this.spines) for (const name of spine.custom.keys()) if (!this.customGrains.has(name)) this.customGrains.set(name, spine);
  }

  get isEmpty(): boolean {
    return this.spines.length === 0;
  }

  /** The custom granularity names, for parsing `metric_time__<name>`. */
  get customGrainNames(): ReadonlySet<string> {
    return new Set(this.customGrains.keys());
  }

  /** The spine to join at `grain` (a standard grain): the coarsest one at or below it. */
  forGrain(grain: string, why: string): TimeSpineRef {
    const fitting = this.spines.filter((s) => grainRank(s.grain) <= grainRank(grain));
    const spine = fitting[fitting.length - 1];
    if (!spine) {
      const have = this.spines.map((s) => `${s.relation.alias} (${s.grain})`).join(', ');
      // No spine at all is the definitions' problem; one too coarse for the asked grain, the query's.
      throw new SemanticError(
        this.spines.length === 0 ? 'INVALID_DEFINITION' : 'INVALID_QUERY',
        this.spines.length === 0
          ? `${why} needs a time spine, and the project defines none. Add a dbt model with \`time_spine: {standard_granularity_column: date_day}\` (one row per day) to the semantic layer.`
          : `${why} needs a time spine at grain '${grain}' or finer; the project's time spines are ${have}.`,
      );
    }
    return spine;
  }
}
