// k6 load scenario for the metrics API: `k6 run loadtest/k6/metrics-query.js`
// (BASE_URL=http://host:3000 to target another server). Mixes the dashboard's typical calls:
// catalog browsing, small time series, growth dashboards (cumulative, offset, conversion and
// semi-additive metrics), and a grouped query with a filter.
import http from 'k6/http';
import { check } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:3000';

export const options = {
  scenarios: {
    dashboards: { executor: 'constant-vus', vus: 10, duration: '30s' },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{kind:timeseries}': ['p(99)<500'],
    'http_req_duration{kind:growth}': ['p(99)<2000'],
  },
};

const QUERIES = [
  { kind: 'catalog', query: '{ metrics { name label type queryableGranularities } }' },
  {
    kind: 'timeseries',
    query: '{ query(metrics: [{name: "dau"}, {name: "sessions"}], groupBy: [{name: "metric_time", grain: WEEK}]) { rows } }',
  },
  {
    kind: 'timeseries',
    query: '{ query(metrics: [{name: "revenue"}], groupBy: [{name: "metric_time", grain: DAY}], startTime: "2024-03-01", endTime: "2024-03-31") { rows } }',
  },
  {
    kind: 'growth',
    query: '{ query(savedQuery: "weekly_growth") { rows } }',
  },
  {
    kind: 'growth',
    query: `{ query(metrics: [{name: "d7_retention"}, {name: "signup_to_post_rate"}, {name: "closing_stock_units"}],
        groupBy: [{name: "metric_time__fiscal_quarter"}], startTime: "2024-02-01", endTime: "2024-06-30") { rows } }`,
  },
  {
    kind: 'grouped',
    query: `{ query(metrics: [{name: "average_order_value"}, {name: "late_delivery_rate"}],
        groupBy: [{name: "metric_time", grain: MONTH}, {name: "customer__customer_state"}],
        where: [{sql: "{{ Dimension('customer__customer_state') }} IN ('SP', 'RJ', 'MG')"}]) { rows } }`,
  },
];

export default function () {
  const q = QUERIES[Math.floor(Math.random() * QUERIES.length)];
  const res = http.post(`${BASE_URL}/graphql`, JSON.stringify({ query: q.query }), {
    headers: { 'content-type': 'application/json' },
    tags: { kind: q.kind },
  });
  check(res, {
    'status 200': (r) => r.status === 200,
    'no GraphQL errors': (r) => !JSON.parse(r.body).errors,
  });
}
