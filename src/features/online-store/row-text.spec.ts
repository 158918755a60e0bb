import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureView } from '../spec/feature-manifest';
import type { OnlineRow } from './online-store';
import { FeatureValueCodec } from './embedded/feature-value-codec';
import { eventTimeOfText, rowFromText, splitEncodedRow, TextRow } from './row-text';

/*
 * Units, no I/O: a row's text (the shared cache's form) is cut into cells without parsing them. Every
 * cut must give exactly the JSON of each value, and any text not in the codec's layout must be
 * refused (the caller then parses it whole).
 */

const VIEW: FeatureView = {
  name: 'users', entities: ['user'], joinKeys: ['user_id'],
  features: [
    { name: 'score', dtype: 'Float64' }, { name: 'visits', dtype: 'Int64' }, { name: 'label', dtype: 'String' },
    { name: 'active', dtype: 'Bool' }, { name: 'avatar', dtype: 'Bytes' }, { name: 'embedding', dtype: 'Array(Float32)' },
    { name: 'tags', dtype: 'Array(String)' }, { name: 'blobs', dtype: 'Array(Bytes)' }, { name: 'seen_at', dtype: 'UnixTimestamp' },
  ],
  source: { kind: 'table', table: 'marts.users' }, timestampField: 'ts', ttlSeconds: 0, onlineStore: 'embedded', version: 1, tags: {},
};
const codec = FeatureValueCodec.for(VIEW);

/** A small seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const NASTY = ['"', '\\', ',', ']', '[', '}', '{', ':', 'é', '✓', '\n', '\u0001', '\u2028', ' ', 'a', '0', 'null', '"values":['];

function randomRow(next: () => number, i: number): OnlineRow {
  const text = () => Array.from({ length: Math.floor(next() * 8) }, () => NASTY[Math.floor(next() * NASTY.length)]).join('');
  const number = () => [0, -0, 1, -1, 0.1 + next(), -next() * 1e-9, next() * 1e300, 5e-324, 123456789012, Math.floor(next() * 1e6)][Math.floor(next() * 10)]!;
  const maybe = <T>(v: T) => (next() < 0.15 ? null : v);
  return {
    entityKey: `user-${i}-${text()}`,
    eventTimestamp: new Date(Math.floor(next() * 2e12)),
    values: {
      score: maybe(number()), visits: maybe(Math.floor(next() * 2 ** 52) * (next() < 0.5 ? -1 : 1)), label: maybe(text()),
      active: maybe(next() < 0.5), avatar: maybe(new Uint8Array(Array.from({ length: Math.floor(next() * 5) }, () => Math.floor(next() * 256)))),
      embedding: maybe(Array.from({ length: Math.floor(next() * 4) }, number)), tags: maybe(Array.from({ length: Math.floor(next() * 3) }, text)),
      blobs: maybe([new Uint8Array([Math.floor(next() * 256)])]), seen_at: maybe(1.7e9 + next()),
    },
  };
}

describe('splitEncodedRow', () => {
  it('cuts 500 random rows into exactly the JSON of each encoded value, nasty strings and numbers included', () => {
    const next = random(42);
    for (let i = 0; i < 500; i++) {
      const encoded = codec.encodeRow(randomRow(next, i));
      const text = JSON.stringify(encoded);
      const split = splitEncodedRow(text);
      assert.ok(split, `row ${i} was refused: ${text}`);
      assert.equal(split.entityKey, encoded.entityKey);
      assert.equal(split.eventTimeMs, encoded.eventTimeMs);
      assert.deepEqual(split.cells, encoded.values.map((v) => JSON.stringify(v)), text);
    }
  });

  it('refuses text in any other layout, so the caller parses it whole', () => {
    const good = JSON.stringify(codec.encodeRow({ entityKey: 'u1', eventTimestamp: new Date(0), values: { score: 1, label: 'x' } }));
    assert.ok(splitEncodedRow(good));
    const bad = [
      good.replace('"entityKey"', '"key"'),
      good.replace('{', '{ '),
      `${good} `,
      good.replace('[1,', '[1x,'),
      good.replace('"x"', 'undefined'),
      good.replace('"x"', '[[1]]'),
      good.replace('"x"', '{"a":1}'),
      good.replace('"x"', '"x\u0001"'),
      good.replace('"x"', '"\\x"'),
      good.replace('"x"', '"\\u00zz"'),
      JSON.stringify({ eventTimeMs: 0, entityKey: 'u1', values: [] }),
      JSON.stringify({ entityKey: 'u1', eventTimeMs: 1.5, values: [] }),
      JSON.stringify({ entityKey: 'u1', eventTimeMs: 0, values: [], extra: 1 }),
      'not json',
      '',
    ];
    for (const text of bad) {
      assert.notEqual(text, good);
      assert.equal(splitEncodedRow(text), undefined, text);
    }
  });

  it('makes a row whose values are parsed only when asked for, equal to the codec\'s decoding', () => {
    const encoded = codec.encodeRow(randomRow(random(7), 0));
    let decodes = 0;
    const row = new TextRow(splitEncodedRow(JSON.stringify(encoded))!, {
      decodeCells: (cells) => {
        decodes++;
        return codec.decodeCells(cells);
      },
    });
    assert.equal(row.eventTimestamp.getTime(), encoded.eventTimeMs);
    assert.equal(decodes, 0, 'nothing parsed until the values are read');
    assert.deepEqual(row.values, codec.decodeValues(encoded.values));
    assert.deepEqual(row.values, codec.decodeValues(encoded.values));
    assert.equal(decodes, 1, 'parsed once');
  });
});

describe('rowFromText', () => {
  const row: OnlineRow = { entityKey: 'u1', eventTimestamp: new Date(1_700_000_000_000), values: { score: 0.5, label: 'x', avatar: new Uint8Array([1, 2]) } };

  it('cuts text of the view\'s shape into a TextRow with the codec\'s values', () => {
    const text = JSON.stringify(codec.encodeRow(row));
    const read = rowFromText(text, codec);
    assert.ok(read instanceof TextRow);
    assert.equal(read.text, text, 'it keeps its text, for the cache');
    assert.equal(read.entityKey, 'u1');
    assert.equal(read.eventTimestamp.getTime(), row.eventTimestamp.getTime());
    assert.deepEqual(read.values, codec.decodeValues(codec.encodeRow(row).values));
  });

  it('parses whole a row in another layout (keys reordered, spaces), with the same values', () => {
    const encoded = codec.encodeRow(row);
    const read = rowFromText(JSON.stringify({ values: encoded.values, eventTimeMs: encoded.eventTimeMs, entityKey: 'u1' }, null, 1), codec);
    assert.ok(!(read instanceof TextRow));
    assert.deepEqual(read.values, codec.decodeValues(encoded.values));
    assert.equal(read.eventTimestamp.getTime(), encoded.eventTimeMs);
  });

  it('does not cut a row with another number of cells than the view has features', () => {
    const encoded = codec.encodeRow(row);
    const read = rowFromText(JSON.stringify({ ...encoded, values: encoded.values.slice(1) }), codec);
    assert.ok(!(read instanceof TextRow));
  });

  it('throws on text that is not JSON', () => {
    assert.throws(() => rowFromText('{"entityKey":', codec), SyntaxError);
  });
});

describe('eventTimeOfText', () => {
  it('reads the event time of 200 random rows\' text, nasty entity keys and negative times included', () => {
    const next = random(7);
    for (let i = 0; i < 200; i++) {
      const encoded = codec.encodeRow(randomRow(next, i));
      const eventTimeMs = i % 10 === 0 ? -encoded.eventTimeMs : encoded.eventTimeMs;
      assert.equal(eventTimeOfText(JSON.stringify({ ...encoded, eventTimeMs })), eventTimeMs);
    }
  });

  it('parses text in another layout whole', () => {
    assert.equal(eventTimeOfText('{ "values": [], "eventTimeMs": 42, "entityKey": "u" }'), 42);
  });
});
