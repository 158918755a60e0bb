import { METRIC_TIME, parseLinkableName, type GroupByInput, type LinkableName } from '../model/linkable-name';
import type { SemanticGraph } from '../model/semantic-graph';

type ErrorCode = 'INVALID_GROUP_BY' | 'INVALID_FILTER' | 'INVALID_ORDER_BY';

/** Parses dunder names knowing the project's time dimensions and custom granularities. */
export class LinkableParser {
  private readonly timeElements = new Set<string>([METRIC_TIME]);
  private readonly customGrains: ReadonlySet<string>;

  constructor(graph: SemanticGraph) {
    this.customGrains = graph.timeSpines.customGrainNames;
    for (const model of graph.models.values()) {
      for (const d of model.dimensions.values()) if (d.type === 'time') this.timeElements.add(d.name);
    }
  }

  isTimeElement = (name: string): boolean => this.timeElements.has(name);

  parse(input: GroupByInput, code: ErrorCode): LinkableName {
    return parseLinkableName(input, this.isTimeElement, code, this.customGrains);
  }
}
