import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SemanticManifest, TimeSpine } from '../spec/manifest';
import { TimeSpines } from './time-spines';
import { expectSemanticError } from '../../../test/support/semantic-assert';

const spine = (alias: string, grain: string, custom: TimeSpine['custom_granularities'] = []): TimeSpine => ({
  node_relation: { alias, schema_name: 'marts' },
  primary_column: { name: 'ts', time_granularity: grain },
  custom_granularities: custom,
});
const manifest = (spines: TimeSpine[]): SemanticManifest => ({ semantic_models: [], metrics: [], saved_queries: [], project_configuration: { time_spines: spines } });

describe('TimeSpines', () => {
  const spines = new TimeSpines(manifest([spine('daily', 'day', [{ name: 'Fiscal_Quarter', column_name: 'fq' }, { name: 'retail_week' }]), spine('hourly', 'hour')]));

  it('reads the coarsest spine not coarser than the grain asked for', () => {
    assert.equal(spines.forGrain('month', 'x').relation.alias, 'daily');
    assert.equal(spines.forGrain('day', 'x').relation.alias, 'daily');
    assert.equal(spines.forGrain('hour', 'x').relation.alias, 'hourly');
  });

  it('names custom granularities in lower case, with their column (the name when none is given)', () => {
    assert.deepEqual([...spines.customGrainNames], ['fiscal_quarter', 'retail_week']);
    assert.equal(spines.customGrains.get('fiscal_quarter')!.custom.get('fiscal_quarter'), 'fq');
    assert.equal(spines.customGrains.get('retail_week')!.custom.get('retail_week'), 'retail_week');
  });

  it('a grain finer than every spine is the query’s problem; no spine at all, the definitions’', () => {
    expectSemanticError(() => new TimeSpines(manifest([spine('daily', 'day')])).forGrain('hour', "Cumulative metric 'x'"), 'INVALID_QUERY', /'x' needs a time spine at grain 'hour' or finer; the project's time spines are daily \(day\)/);
    expectSemanticError(() => new TimeSpines(manifest([])).forGrain('day', "Cumulative metric 'x'"), 'INVALID_DEFINITION', /defines none.*time_spine:/);
  });
});
