import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEMO_GENERATOR_VERSION, DemoProgress, demoDatabaseFileName, ensureDemoWarehouse } from '../../src/warehouse/demo';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';

describe('demoDatabaseFileName', () => {
  it('names the generator version, scale and seed, so a database of another version is never picked up', () => {
    assert.equal(demoDatabaseFileName(1, 42), `demo-marts-v${DEMO_GENERATOR_VERSION}-s1-seed42.duckdb`);
    assert.notEqual(demoDatabaseFileName(0.05, 7), demoDatabaseFileName(0.05, 8));
    assert.notEqual(demoDatabaseFileName(1, 7), demoDatabaseFileName(10, 7));
  });
});

describe('ensureDemoWarehouse', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stratum-demo-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds once, reuses a complete database, and rebuilds for another seed', async () => {
    const path = join(dir, 'demo.duckdb');
    const progress: DemoProgress[] = [];
    const first = await ensureDemoWarehouse({ path, scale: 0.01, seed: 1, onProgress: (p) => progress.push(p) });
    assert.equal(first.created, true);
    assert.equal(first.path, path);
    assert.ok(existsSync(path));
    assert.ok(progress.length > 3);
    assert.deepEqual(progress.at(-1), { step: 'done', done: progress[0].total, total: progress[0].total });
    assert.ok(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done));

    const again = await ensureDemoWarehouse({ path, scale: 0.01, seed: 1, onProgress: (p) => progress.push(p) });
    assert.equal(again.created, false);

    const reseeded = await ensureDemoWarehouse({ path, scale: 0.01, seed: 2 });
    assert.equal(reseeded.created, true);
    const rescaled = await ensureDemoWarehouse({ path, scale: 0.02, seed: 2 });
    assert.equal(rescaled.created, true);

    const warehouse = await DuckDbWarehouse.open(path, { readOnly: true });
    try {
      const meta = await warehouse.execute('SELECT generator_version, scale, seed FROM marts._stratum_demo_meta', {});
      assert.deepEqual(meta.rows.map((r) => r.slice(1)), [[0.02, 2]]);
      const orders = await warehouse.execute('SELECT count(*) AS n FROM marts.fact_orders', {});
      assert.ok(Number(orders.rows[0][0]) > 0);
    } finally {
      await warehouse.close();
    }
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('.building-')), []);
  });

  it('ignores and cleans up what a crashed build left behind', async () => {
    const path = join(dir, 'crashed.duckdb');
    // A pid that certainly belongs to no running process: a child that has already exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const leftover = `${path}.building-${deadPid}-0badf00d`;
    writeFileSync(leftover, 'half a database');
    writeFileSync(`${leftover}.wal`, 'half a log');
    // A file at the target that is not a complete demo database must not be trusted.
    writeFileSync(path, 'not a database');

    const result = await ensureDemoWarehouse({ path, scale: 0.01, seed: 3 });
    assert.equal(result.created, true);
    assert.equal(existsSync(leftover), false);
    assert.equal(existsSync(`${leftover}.wal`), false);
    assert.equal((await ensureDemoWarehouse({ path, scale: 0.01, seed: 3 })).created, false);
  });

  it('rebuilds a database stamped by another generator version', async () => {
    const path = join(dir, 'older.duckdb');
    await ensureDemoWarehouse({ path, scale: 0.01, seed: 5 });
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(`UPDATE marts._stratum_demo_meta SET generator_version = 'older'`);
    connection.closeSync();
    instance.closeSync();
    assert.equal((await ensureDemoWarehouse({ path, scale: 0.01, seed: 5 })).created, true);
    const warehouse = await DuckDbWarehouse.open(path, { readOnly: true });
    try {
      const meta = await warehouse.execute('SELECT generator_version FROM marts._stratum_demo_meta', {});
      assert.deepEqual(meta.rows, [[DEMO_GENERATOR_VERSION]]);
    } finally {
      await warehouse.close();
    }
  });

  it('rebuilds a database that lacks the completion stamp', async () => {
    const path = join(dir, 'unstamped.duckdb');
    await ensureDemoWarehouse({ path, scale: 0.01, seed: 4 });
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run('DROP TABLE marts._stratum_demo_meta');
    connection.closeSync();
    instance.closeSync();
    assert.equal((await ensureDemoWarehouse({ path, scale: 0.01, seed: 4 })).created, true);
  });
});
