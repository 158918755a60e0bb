import { SemanticError, didYouMean } from '../errors';
import type { Dimension, Measure } from '../spec/manifest';
import { METRIC_TIME, linkableOutputName, type LinkableName } from './linkable-name';
import type { TimeSpineRef } from './time-spines';
import {
  ModelNode,
  SemanticGraph,
  dimensionGrain,
  grainRank,
  grainValueType,
  type TimeValueType,
} from './semantic-graph';

/** MetricFlow joins dimensions at most this many entity hops away from a measure. */
export const MAX_JOIN_HOPS = 2;

/** One many-to-one join: from a model, through an entity, to a model where that entity is unique. */
export interface JoinStep {
  from: ModelNode;
  entity: string;
  to: ModelNode;
}

/** A group-by or filter reference resolved for one measure: where its column is and how to get there. */
export type ResolvedLinkable =
  | {
      kind: 'categorical';
      outputName: string;
      path: JoinStep[];
      model: ModelNode;
      dimension: Dimension;
    }
  | {
      kind: 'time';
      outputName: string;
      path: JoinStep[];
      model: ModelNode;
      dimension: Dimension;
      grain: string;
      datePart?: string;
      /** The type of the value at the queried grain (DATE from day up). */
      valueType: TimeValueType;
      /** The type of the column as stored. */
      rawType: TimeValueType;
      /** True for metric_time (the measure's agg time dimension). */
      isMetricTime: boolean;
      /** A custom granularity: its value is a column of the time spine, joined on the day. */
      customGrain?: { spine: TimeSpineRef; column: string };
    }
  | {
      kind: 'entity';
      outputName: string;
      path: JoinStep[];
      model: ModelNode;
      entity: string;
    };

/** A dimension or entity a model can be grouped by, and the joins to it. */
export interface ReachableItem {
  name: string;
  model: ModelNode;
  kind: 'dimension' | 'entity';
  path: JoinStep[];
}

type ErrorCode = 'INVALID_GROUP_BY' | 'INVALID_FILTER';

function pathText(path: JoinStep[]): string {
  return path.map((s) => `${s.from.name} -(${s.entity})-> ${s.to.name}`).join(', ');
}

/** Resolves dunder names to columns and join paths, as MetricFlow's linkable-spec resolution does. */
export class JoinResolver {
  /** The graph never changes: what a model reaches is worked out once. */
  private readonly reachableCache = new Map<ModelNode, ReachableItem[]>();

  constructor(private readonly graph: SemanticGraph) {}

  resolve(name: LinkableName, measure: Measure, metricName: string, code: ErrorCode): ResolvedLinkable {
    const home = this.graph.measureModels.get(measure.name)!;
    if (name.element === METRIC_TIME) {
      if (name.entityPath.length > 0) {
        throw new SemanticError(code, `metric_time takes no entity prefix; use 'metric_time' with a grain.`);
      }
      const dim = home.aggTimeDimension(measure)!;
      return this.timeSpec(name, home, dim, [], true, code);
    }
    return this.resolveFrom(name, home, metricName, code);
  }

  /**
   * A dimension or entity as reached from `home` (a measure's model, or for a query without
   * metrics, the model where the name's first entity is unique). `subject` names what asks, in errors.
   */
  resolveFrom(name: LinkableName, home: ModelNode, subject: string, code: ErrorCode): ResolvedLinkable {
    const metricName = subject;
    if (name.entityPath.length === 0 && home.entities.has(name.element)) {
      return { kind: 'entity', outputName: name.element, path: [], model: home, entity: name.element };
    }
    if (name.entityPath.length > MAX_JOIN_HOPS) {
      throw new SemanticError(
        code,
        `'${linkableOutputName(name.entityPath, name.element)}' needs ${name.entityPath.length} joins; MetricFlow allows at most ${MAX_JOIN_HOPS}.`,
      );
    }
    // A model's own dimensions are named with its primary entity, and need no join.
    if (name.entityPath.length === 1 && name.entityPath[0] === home.primaryEntity) {
      const local = this.element(name, home, [], code);
      if (local) return local;
    }
    let found = name.entityPath.length > 0 ? this.paths(home, name.entityPath, name.element) : [];
    // MetricFlow matches the entity path as a suffix: 'customer__country' also names
    // order__customer__country from order items. The shortest such path wins.
    for (let extra = 1; found.length === 0 && name.entityPath.length + extra <= MAX_JOIN_HOPS; extra++) {
      found = this.prefixes(home, extra).flatMap((prefix) =>
        name.entityPath.length === 0
          ? prefix[prefix.length - 1]!.to.entities.has(name.element) && prefix[prefix.length - 1]!.entity !== name.element
            ? [prefix]
            : []
          : this.paths(prefix[prefix.length - 1]!.to, name.entityPath, name.element).map((tail) => [...prefix, ...tail]),
      );
    }
    if (found.length === 0) throw this.unknown(name, metricName, code);
    if (found.length > 1) {
      throw new SemanticError(
        'AMBIGUOUS_JOIN',
        `'${linkableOutputName(name.entityPath, name.element)}' is reachable from '${metricName}' by ${found.length} join paths: ${found
          .map((p) => `[${pathText(p)}]`)
          .join(' and ')}. Make the entity unique in one of the models.`,
      );
    }
    const path = found[0]!;
    return this.element(name, path[path.length - 1]!.to, path, code)!;
  }

  /** Every many-to-one join path of exactly `hops` steps from `from` (without revisiting a model). */
  private prefixes(from: ModelNode, hops: number, visited: ModelNode[] = [from]): JoinStep[][] {
    if (hops === 0) return [[]];
    const out: JoinStep[][] = [];
    for (const entity of from.entities.keys()) {
      for (const to of this.graph.entityModels.get(entity) ?? []) {
        if (visited.includes(to) || !to.isJoinTarget(entity)) continue;
        for (const rest of this.prefixes(to, hops - 1, [...visited, to])) out.push([{ from, entity, to }, ...rest]);
      }
    }
    return out;
  }

  /** Every join path from `from` along `entities` ending at a model that has `element`. */
  private paths(from: ModelNode, entities: string[], element: string): JoinStep[][] {
    const [entity, ...rest] = entities;
    if (entity === undefined || !from.entities.has(entity)) return [];
    const out: JoinStep[][] = [];
    for (const to of this.graph.entityModels.get(entity) ?? []) {
      if (to === from || !to.isJoinTarget(entity)) continue;
      const step: JoinStep = { from, entity, to };
      if (rest.length === 0) {
        if (to.dimensions.has(element) || (to.entities.has(element) && element !== entity)) out.push([step]);
      } else {
        for (const tail of this.paths(to, rest, element)) out.push([step, ...tail]);
      }
    }
    return out;
  }

  private element(name: LinkableName, model: ModelNode, path: JoinStep[], code: ErrorCode): ResolvedLinkable | undefined {
    const dim = model.dimensions.get(name.element);
    if (dim?.type === 'time') return this.timeSpec(name, model, dim, path, false, code);
    const outputName = linkableOutputName(name.entityPath, name.element, name.grain, name.datePart);
    if (dim) {
      if (name.grain || name.datePart) {
        throw new SemanticError(code, `'${outputName}': '${dim.name}' is a categorical dimension; only time dimensions take a grain or date part.`);
      }
      return { kind: 'categorical', outputName, path, model, dimension: dim };
    }
    if (model.entities.has(name.element)) {
      return { kind: 'entity', outputName, path, model, entity: name.element };
    }
    return undefined;
  }

  private timeSpec(
    name: LinkableName,
    model: ModelNode,
    dim: Dimension,
    path: JoinStep[],
    isMetricTime: boolean,
    code: ErrorCode,
  ): ResolvedLinkable {
    const dataGrain = dimensionGrain(dim);
    const grain = name.grain ?? dataGrain;
    const element = isMetricTime ? METRIC_TIME : name.element;
    const customSpine = this.graph.timeSpines.customGrains.get(grain);
    if (customSpine) {
      if (grainRank(dataGrain) > grainRank(customSpine.grain)) {
        throw new SemanticError(
          code,
          `'${linkableOutputName(name.entityPath, element, grain)}': custom granularity '${grain}' is defined per ${customSpine.grain}, but ${model.name}.${dim.name} is at grain '${dataGrain}'.`,
        );
      }
      return {
        kind: 'time',
        outputName: linkableOutputName(name.entityPath, element, grain),
        path,
        model,
        dimension: dim,
        grain,
        valueType: 'DATE',
        rawType: this.graph.rawTimeType(model, dim),
        isMetricTime,
        customGrain: { spine: customSpine, column: customSpine.custom.get(grain)! },
      };
    }
    if (grainRank(grain) < grainRank(dataGrain)) {
      throw new SemanticError(
        code,
        `'${linkableOutputName(name.entityPath, element, grain)}' asks for grain '${grain}', finer than the data's grain '${dataGrain}' (${model.name}.${dim.name}). Use '${dataGrain}' or coarser.`,
      );
    }
    const outputName = linkableOutputName(name.entityPath, element, name.datePart ? undefined : grain, name.datePart);
    return {
      kind: 'time',
      outputName,
      path,
      model,
      dimension: dim,
      grain,
      datePart: name.datePart,
      valueType: grainValueType(grain),
      rawType: this.graph.rawTimeType(model, dim),
      isMetricTime,
    };
  }

  private unknown(name: LinkableName, metricName: string, code: ErrorCode): SemanticError {
    const full = linkableOutputName(name.entityPath, name.element);
    const candidates = this.candidateNames(metricName);
    return new SemanticError(
      code,
      `'${full}' is not a dimension or entity of metric '${metricName}'. List what it can be grouped by with dimensions(metrics: [{name: "${metricName}"}]) or \`stratum list dimensions --metrics ${metricName}\`.`,
      didYouMean(full, candidates),
    );
  }

  /** The names a metric can be grouped by (used for "did you mean" and the catalog). */
  candidateNames(metricName: string): string[] {
    const names = new Set<string>([METRIC_TIME]);
    for (const home of this.graph.modelsOf(metricName)) {
      for (const item of this.reachable(home)) names.add(item.name);
    }
    return [...names];
  }

  /**
   * Everything groupable from a model: its own members and those of models up to MAX_JOIN_HOPS joins
   * away. A name reached by two join paths is left out: querying it is an AMBIGUOUS_JOIN error.
   */
  reachable(home: ModelNode): ReachableItem[] {
    let items = this.reachableCache.get(home);
    if (!items) {
      items = this.walkReachable(home);
      this.reachableCache.set(home, items);
    }
    return items;
  }

  private walkReachable(home: ModelNode): ReachableItem[] {
    type Item = ReachableItem;
    const local = new Map<string, Item>();
    const joined = new Map<string, Item[]>();
    for (const e of home.entities.keys()) local.set(e, { name: e, model: home, kind: 'entity', path: [] });
    if (home.primaryEntity) {
      for (const d of home.dimensions.keys()) {
        const name = `${home.primaryEntity}__${d}`;
        local.set(name, { name, model: home, kind: 'dimension', path: [] });
      }
    }
    const add = (item: Item) => joined.set(item.name, [...(joined.get(item.name) ?? []), item]);
    const walk = (from: ModelNode, prefix: string[], path: JoinStep[]) => {
      if (path.length >= MAX_JOIN_HOPS) return;
      for (const entity of from.entities.keys()) {
        // Hopping on through the entity just joined on names nothing new (store__store__x).
        if (path.length > 0 && path[path.length - 1]!.entity === entity) continue;
        for (const to of this.graph.entityModels.get(entity) ?? []) {
          if (to === from || !to.isJoinTarget(entity) || path.some((s) => s.to === to || s.from === to)) continue;
          const nextPath = [...path, { from, entity, to }];
          const nextPrefix = [...prefix, entity];
          for (const d of to.dimensions.keys()) add({ name: [...nextPrefix, d].join('__'), model: to, kind: 'dimension', path: nextPath });
          for (const e of to.entities.keys()) {
            if (e !== entity) add({ name: [...nextPrefix, e].join('__'), model: to, kind: 'entity', path: nextPath });
          }
          walk(to, nextPrefix, nextPath);
        }
      }
    };
    walk(home, [], []);
    const out = [...local.values()];
    for (const [name, items] of joined) if (!local.has(name) && items.length === 1) out.push(items[0]!);
    return out;
  }
}
