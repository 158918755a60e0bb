/**
 * The semantic-layer loader skips the top-level `features/` folder: feature definitions live
 * beside the metrics but are not semantic-layer documents.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DefinitionError } from '../../../src/semantic/errors';
import { loadSemanticLayer } from '../../../src/semantic/spec/semantic-layer-loader';
import { ordersModel } from './spec-helpers';

// Read as a semantic-layer document, this is an error (`metrics` must be a list).
const NOT_SEMANTIC = 'metrics: not-a-list\nfeature_views: []\n';

describe('semantic-layer loader and the features/ folder', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'stratum-layer-'));
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'models', 'orders.yml'), ordersModel());
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('skips semantic-layer/features/', () => {
    mkdirSync(join(root, 'features'), { recursive: true });
    writeFileSync(join(root, 'features', 'views.yml'), NOT_SEMANTIC);
    const manifest = loadSemanticLayer(root);
    assert.deepEqual(manifest.semantic_models.map((m) => m.name), ['orders']);
  });

  it('still reads a folder named features deeper down', () => {
    mkdirSync(join(root, 'models', 'features'), { recursive: true });
    writeFileSync(join(root, 'models', 'features', 'x.yml'), NOT_SEMANTIC);
    assert.throws(
      () => loadSemanticLayer(root),
      (error: unknown) => error instanceof DefinitionError && error.problems.some((p) => p.file === 'models/features/x.yml'),
    );
  });
});
