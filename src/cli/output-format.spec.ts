import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCsv, formatJsonLine, formatResult, formatTable, type TabularResult } from './output-format';

const RESULT: TabularResult = {
  columns: [
    { name: 'state', type: 'STRING' },
    { name: 'revenue', type: 'NUMERIC' },
  ],
  rows: [
    ['SP', 1234.5],
    ['say "hi", then\nleave', 7],
    [null, null],
  ],
};

describe('formatCsv', () => {
  it('quotes fields with commas, quotes and line breaks, doubles quotes, ends lines with CRLF', () => {
    assert.equal(formatCsv(RESULT), 'state,revenue\r\nSP,1234.5\r\n"say ""hi"", then\nleave",7\r\n,\r\n');
  });

  it('leaves plain fields unquoted and writes only the header for no rows', () => {
    assert.equal(formatCsv({ columns: [{ name: 'a b', type: 'STRING' }], rows: [] }), 'a b\r\n');
  });
});

describe('formatTable', () => {
  it('aligns columns under a rule, numbers to the right, NULL as blank', () => {
    const lines = formatTable(RESULT).split('\n');
    assert.deepEqual(lines, [
      'state                 revenue',
      '--------------------  -------',
      'SP                     1234.5',
      'say "hi", then leave        7',
      '',
      '',
    ]);
  });

  it('counts wide characters as two columns', () => {
    const text = formatTable({ columns: [{ name: 'city', type: 'STRING' }, { name: 'n', type: 'INTEGER' }], rows: [['東京', 1], ['Lyon', 22]] });
    assert.deepEqual(text.split('\n').slice(2, 4), ['東京   1', 'Lyon  22']);
  });
});

describe('formatJsonLine', () => {
  it('writes columns with name and type, and rows as arrays, on one line', () => {
    const line = formatJsonLine(RESULT);
    assert.ok(!line.includes('\n'));
    assert.deepEqual(JSON.parse(line), { columns: RESULT.columns, rows: RESULT.rows });
  });

  it('ends the json output format with a newline', () => {
    assert.ok(formatResult(RESULT, 'json').endsWith('}\n'));
  });
});
