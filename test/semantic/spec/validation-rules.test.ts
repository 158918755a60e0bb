import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadYaml, ordersModel, problemAt, problemsOf } from './spec-helpers';

const file = (text: string, path = 'models/test.yml') => [{ path, text }];
const metricsOn = (metrics: string) => ordersModel(`metrics:\n${metrics}`);

describe('validation rules', () => {
  it('accepts the valid base model', () => {
    const m = loadYaml(ordersModel());
    assert.equal(m.semantic_models[0]!.measures.length, 2);
  });

  it('rejects unknown keys with a did-you-mean and the key line', () => {
    const problems = problemsOf(file(ordersModel().replace('    defaults:', '    descripton: x\n    defaults:')));
    const p = problemAt(problems, 'semantic_models[0].descripton');
    assert.match(p.message, /Did you mean 'description'/);
    assert.equal(p.line, 4);
    assert.equal(p.fix, "Rename it to 'description'.");
  });

  it('reports missing required keys', () => {
    const problems = problemsOf(file(metricsOn('  - name: revenue\n    type: simple\n')));
    assert.match(problemAt(problems, 'metrics[0]').message, /missing the required key 'type_params'/);
  });

  it('reports wrong types', () => {
    const problems = problemsOf(file(ordersModel().replace('        agg: count\n', '        agg: count\n        create_metric: "yes"\n')));
    assert.match(problemAt(problems, 'semantic_models[0].measures[1].create_metric').message, /must be true or false/);
    const lists = problemsOf(file('semantic_models:\n  - name: m\n    model: ref("t")\n    entities: user\n'));
    assert.match(problemAt(lists, 'semantic_models[0].entities').message, /must be a list/);
  });

  it('checks enum values: agg, entity type, dimension type, metric type, granularity', () => {
    const text = ordersModel()
      .replace('agg: sum', 'agg: summ')
      .replace('type: foreign', 'type: foriegn')
      .replace('type: categorical', 'type: category')
      .replace('time_granularity: day', 'time_granularity: dai');
    const problems = problemsOf(file(`${text}metrics:\n  - name: m\n    type: simpel\n    type_params: { measure: order_count }\n`));
    assert.match(problemAt(problems, 'semantic_models[0].measures[0].agg').message, /'summ'.*Did you mean 'sum'/);
    assert.match(problemAt(problems, 'semantic_models[0].entities[1].type').message, /Did you mean 'foreign'/);
    assert.match(problemAt(problems, 'semantic_models[0].dimensions[1].type').message, /'category'/);
    assert.match(problemAt(problems, 'semantic_models[0].dimensions[0].type_params.time_granularity').message, /Did you mean 'day'/);
    assert.match(problemAt(problems, 'metrics[0].type').message, /Did you mean 'simple'/);
  });

  it('accepts upper-case enum values and stores them lower case', () => {
    const m = loadYaml(ordersModel().replace('agg: sum', 'agg: SUM').replace('type: primary', 'type: PRIMARY'));
    assert.equal(m.semantic_models[0]!.measures[0]!.agg, 'sum');
    assert.equal(m.semantic_models[0]!.entities[0]!.type, 'primary');
  });

  it('rejects duplicate semantic models, metrics and saved queries, across files', () => {
    const metric = 'metrics:\n  - name: revenue\n    type: simple\n    type_params: { measure: order_total }\n';
    const query = 'saved_queries:\n  - name: q\n    query_params: { metrics: [revenue] }\n';
    const problems = problemsOf([
      { path: 'a.yml', text: ordersModel() },
      { path: 'b.yml', text: ordersModel().replace(/order_total/g, 'other_total').replace(/order_count/g, 'other_count') },
      { path: 'c.yml', text: metric + query },
      { path: 'd.yml', text: metric + query },
    ]);
    const model = problems.find((p) => p.file === 'b.yml' && p.path === 'semantic_models[0].name')!;
    assert.match(model.message, /Duplicate semantic model name 'orders' \(first defined in a\.yml/);
    assert.ok(problems.some((p) => p.file === 'd.yml' && p.path === 'metrics[0].name' && /Duplicate metric/.test(p.message)));
    assert.ok(problems.some((p) => p.file === 'd.yml' && p.path === 'saved_queries[0].name' && /Duplicate saved query/.test(p.message)));
  });

  it('requires measure names to be unique across all semantic models', () => {
    const second = 'semantic_models:\n  - name: items\n    model: ref("fact_order_items")\n    defaults: { agg_time_dimension: d }\n    primary_entity: item\n    dimensions:\n      - { name: d, type: time, type_params: { time_granularity: day } }\n    measures:\n      - { name: order_total, agg: sum, expr: price }\n';
    const problems = problemsOf([{ path: 'a.yml', text: ordersModel() }, { path: 'b.yml', text: second }]);
    const p = problemAt(problems, 'semantic_models[0].measures[0].name');
    assert.equal(p.file, 'b.yml');
    assert.match(p.message, /also defined in semantic model 'orders'/);
  });

  it('requires dimension and entity names to be unique within a model', () => {
    const text = ordersModel().replace('      - name: order_status\n', '      - name: customer\n');
    const problems = problemsOf(file(text));
    assert.match(problemAt(problems, 'semantic_models[0].dimensions[1].name').message, /already the name of an entity/);
  });

  it("checks that a metric's measure exists, with a suggestion", () => {
    const problems = problemsOf(file(metricsOn('  - name: revenue\n    type: simple\n    type_params:\n      measure: order_totals\n')));
    const p = problemAt(problems, 'metrics[0].type_params.measure');
    assert.match(p.message, /Unknown measure 'order_totals'\. Did you mean 'order_total'/);
  });

  it('checks that ratio and derived inputs are existing metrics', () => {
    const problems = problemsOf(
      file(
        metricsOn(`  - name: revenue
    type: simple
    type_params: { measure: order_total }
  - name: ratio
    type: ratio
    type_params: { numerator: revenue, denominator: revenu }
  - name: derived
    type: derived
    type_params:
      expr: a + b
      metrics: [revenue, { name: nope }]
`),
      ),
    );
    assert.match(problemAt(problems, 'metrics[1].type_params.denominator').message, /Unknown metric 'revenu'\. Did you mean 'revenue'/);
    assert.match(problemAt(problems, 'metrics[2].type_params.metrics[1]').message, /Unknown metric 'nope'/);
  });

  it('detects cycles in derived metrics', () => {
    const problems = problemsOf(
      file(
        metricsOn(`  - name: a
    type: derived
    type_params: { expr: b + 1, metrics: [b] }
  - name: b
    type: derived
    type_params: { expr: c * 2, metrics: [c] }
  - name: c
    type: ratio
    type_params: { numerator: a, denominator: a }
`),
      ),
    );
    const cycles = problems.filter((p) => /depends on itself/.test(p.message));
    assert.equal(cycles.length, 1);
    assert.match(cycles[0]!.message, /a -> b -> c -> a/);
  });

  it('checks agg_time_dimension names a time dimension of the model', () => {
    const bad = problemsOf(file(ordersModel().replace('        agg: sum\n', '        agg: sum\n        agg_time_dimension: order_dat\n')));
    assert.match(problemAt(bad, 'semantic_models[0].measures[0].agg_time_dimension').message, /Unknown time dimension of 'orders' 'order_dat'\. Did you mean 'order_date'/);
    const categorical = problemsOf(file(ordersModel().replace('agg_time_dimension: order_date', 'agg_time_dimension: order_status')));
    assert.match(problemAt(categorical, 'semantic_models[0].defaults.agg_time_dimension').message, /categorical dimension/);
  });

  it('requires an agg_time_dimension for every measure', () => {
    const problems = problemsOf(file(ordersModel().replace('    defaults:\n      agg_time_dimension: order_date\n', '')));
    assert.match(problemAt(problems, 'semantic_models[0].measures[0]').message, /no agg_time_dimension/);
    assert.match(problemAt(problems, 'semantic_models[0].measures[1]').message, /no agg_time_dimension/);
  });

  it('allows at most one primary entity', () => {
    const two = problemsOf(file(ordersModel().replace('type: foreign', 'type: primary')));
    assert.match(problemAt(two, 'semantic_models[0].entities').message, /more than one primary entity \(order, customer\)/);
    const both = problemsOf(file(ordersModel().replace('    defaults:', '    primary_entity: order_line\n    defaults:')));
    assert.match(problemAt(both, 'semantic_models[0].primary_entity').message, /more than one primary entity/);
    const viaKey = loadYaml(ordersModel().replace('type: primary', 'type: unique').replace('    defaults:', '    primary_entity: order\n    defaults:'));
    assert.equal(viaKey.semantic_models[0]!.primary_entity, 'order');
  });

  it('requires type_params.time_granularity on time dimensions', () => {
    const problems = problemsOf(file(ordersModel().replace('        type_params:\n          time_granularity: day\n', '')));
    assert.match(problemAt(problems, 'semantic_models[0].dimensions[0]').message, /needs type_params\.time_granularity/);
  });

  it('loads cumulative and conversion metrics and checks their structure', () => {
    const valid = loadYaml(
      metricsOn(`  - name: weekly_revenue
    type: cumulative
    type_params:
      measure: order_total
      cumulative_type_params: { window: 7 days, period_agg: last }
  - name: mtd_revenue
    type: cumulative
    type_params: { measure: order_total, grain_to_date: month }
  - name: repeat_rate
    type: conversion
    type_params:
      conversion_type_params:
        entity: customer
        calculation: conversion_rate
        base_measure: order_count
        conversion_measure: { name: order_count, fill_nulls_with: 0 }
        window: 30 days
        constant_properties: [{ base_property: order_status, conversion_property: order_status }]
`),
    );
    const byName = Object.fromEntries(valid.metrics.map((m) => [m.name, m]));
    assert.deepEqual(byName['weekly_revenue']!.type_params.cumulative_type_params, { window: { count: 7, granularity: 'day' }, period_agg: 'last' });
    assert.equal(byName['mtd_revenue']!.type_params.grain_to_date, 'month');
    assert.deepEqual(byName['repeat_rate']!.type_params.conversion_type_params, {
      base_measure: { name: 'order_count' },
      conversion_measure: { name: 'order_count', fill_nulls_with: 0 },
      entity: 'customer',
      calculation: 'conversion_rate',
      window: { count: 30, granularity: 'day' },
      constant_properties: [{ base_property: 'order_status', conversion_property: 'order_status' }],
    });
    const problems = problemsOf(
      file(
        metricsOn(`  - name: both
    type: cumulative
    type_params: { measure: order_total, window: 1 month, grain_to_date: month }
  - name: conv
    type: conversion
    type_params:
      conversion_type_params: { base_measure: order_count, conversion_measure: order_countt, entity: shopper }
  - name: misplaced
    type: simple
    type_params: { measure: order_total, window: 2 weeks }
  - name: bad_window
    type: cumulative
    type_params: { measure: order_total, window: seven days }
`),
      ),
    );
    assert.match(problemAt(problems, 'metrics[0].type_params').message, /either a window or grain_to_date/);
    assert.match(problemAt(problems, 'metrics[1].type_params.conversion_type_params.conversion_measure').message, /Unknown measure 'order_countt'/);
    assert.match(problemAt(problems, 'metrics[1].type_params.conversion_type_params.entity').message, /Unknown entity 'shopper'/);
    assert.match(problemAt(problems, 'metrics[2].type_params.window').message, /not used by a simple metric/);
    assert.match(problemAt(problems, 'metrics[3].type_params.window').message, /'<count> <granularity>'/);
  });

  it('parses windows with singular and plural units and rejects unknown granularities', () => {
    const m = loadYaml(metricsOn('  - name: r\n    type: cumulative\n    type_params: { measure: order_total, window: 3 months }\n'));
    assert.deepEqual(m.metrics[0]!.type_params.window, { count: 3, granularity: 'month' });
    const problems = problemsOf(file(metricsOn('  - name: r\n    type: cumulative\n    type_params: { measure: order_total, window: 3 fortnights }\n')));
    assert.match(problemAt(problems, 'metrics[0].type_params.window').message, /Unknown granularity 'fortnights'/);
  });

  it('requires saved query metrics to exist', () => {
    const problems = problemsOf(file(ordersModel('saved_queries:\n  - name: q\n    query_params:\n      metrics: [order_count, revenue]\n')));
    assert.match(problemAt(problems, 'saved_queries[0].query_params.metrics[1]').message, /Unknown metric 'revenue'/);
  });

  it('keeps where-filter templates as strings and rejects anything else', () => {
    const ok = loadYaml(metricsOn(`  - name: r
    type: simple
    type_params: { measure: order_total }
    filter:
      - "{{ Dimension('order__order_status') }} = 'delivered'"
      - "{{ TimeDimension('metric_time', 'day') }} > '2024-01-01'"
`));
    assert.equal(ok.metrics[0]!.filter!.where_filters.length, 2);
    const problems = problemsOf(file(metricsOn('  - name: r\n    type: simple\n    type_params: { measure: order_total }\n    filter: [ok, { a: 1 }]\n')));
    assert.match(problemAt(problems, 'metrics[0].filter[1]').message, /must be a string/);
  });

  it('creates a simple metric for create_metric measures and reports a clash with a written one', () => {
    const m = loadYaml(ordersModel().replace('        agg: count\n', '        agg: count\n        create_metric: true\n        label: Orders\n'));
    assert.deepEqual(
      m.metrics.map(({ location: _location, ...rest }) => rest),
      [{ name: 'order_count', type: 'simple', label: 'Orders', type_params: { measure: { name: 'order_count' } } }],
    );
    const clash = problemsOf(file(ordersModel().replace('        agg: count\n', '        agg: count\n        create_metric: true\n') + 'metrics:\n  - name: order_count\n    type: simple\n    type_params: { measure: order_count }\n'));
    assert.ok(clash.some((p) => /Duplicate metric name 'order_count'/.test(p.message)));
  });

  it('rejects names MetricFlow cannot reference', () => {
    const problems = problemsOf(file(ordersModel().replace('name: order_total', 'name: order__total')));
    assert.match(problemAt(problems, 'semantic_models[0].measures[0].name').message, /not a valid name/);
  });

  it('rejects a model value that is not a ref', () => {
    const problems = problemsOf(file(ordersModel().replace("ref('fact_orders')", 'fact_orders')));
    assert.match(problemAt(problems, 'semantic_models[0].model').message, /must be a dbt ref/);
  });

  it('flags misspelled top-level keys but ignores other dbt keys and other dbt files', () => {
    const problems = problemsOf(file(`version: 2\nmodels: []\nmetrcs:\n  - name: x\n${ordersModel()}`));
    assert.match(problemAt(problems, 'metrcs').message, /Did you mean 'metrics'/);
    const m = loadYaml('name: shop\nprofile: shop\nmodel-paths: [models]\n', 'dbt_project.yml');
    assert.equal(m.semantic_models.length, 0);
  });

  it('skips objects disabled with config.enabled: false', () => {
    const m = loadYaml(metricsOn('  - name: off\n    type: simple\n    type_params: { measure: nope }\n    config: { enabled: false }\n'));
    assert.equal(m.metrics.length, 0);
  });
});
