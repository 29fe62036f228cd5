// The --bundle tarball: `tar xzf` (GNU tar, as someone attaching it to a bug would use) unpacks
// it to <run-id>/ with exactly the run directory's files, bytes, modes, symlinks and empty
// directories. The same check on a real failover run is in test/integration/report.test.ts.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { bundleRun } from '../../harness/report/bundle.js';
import { dirTree } from '../helpers/report.js';


test('tar xzf unpacks the bundle to exactly the run directory', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'overlab-bundle-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const run = join(root, 'reports', 'failover', 'abc123');
  mkdirSync(join(run, 'evidence'), { recursive: true });
  mkdirSync(join(run, 'pcaps'), { recursive: true });
  mkdirSync(join(run, 'empty'), { recursive: true });
  writeFileSync(join(run, 'report.json'), '{"schemaVersion":1}\n');
  writeFileSync(join(run, 'evidence', 'probes.json'), JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ seq: i }))));
  writeFileSync(join(run, 'pcaps', 'master-eth0.pcap'), randomBytes(3 * 1024 * 1024 + 17)); // larger than a stream chunk
  writeFileSync(join(run, 'a name with spaces & ünïcode.txt'), 'x');
  const long = 'd'.repeat(60);
  mkdirSync(join(run, long, long), { recursive: true });
  writeFileSync(join(run, long, long, `${'f'.repeat(80)}.json`), '{}'); // a path longer than ustar's 100 bytes
  writeFileSync(join(run, 'ledger.jsonl'), '');
  chmodSync(join(run, 'ledger.jsonl'), 0o600);
  symlinkSync('evidence/probes.json', join(run, 'latest-probes.json'));

  const bundle = await bundleRun(run);
  t.is(bundle.path, `${run}.tar.gz`);
  t.true(bundle.bytes > 3 * 1024 * 1024, 'random bytes do not compress');
  const out = join(root, 'unpacked');
  mkdirSync(out);
  execFileSync('tar', ['xzf', bundle.path, '-C', out]);
  t.deepEqual(readdirSync(out), ['abc123'], 'one top-level directory named after the run');
  t.deepEqual(dirTree(join(out, 'abc123')), dirTree(run));
  const listing = execFileSync('tar', ['tzf', bundle.path], { encoding: 'utf8' }).trim().split('\n');
  t.is(listing.length, bundle.entries);
  t.true(listing.every((p) => p.startsWith('abc123/') || p === 'abc123/'));
  t.deepEqual(readdirSync(join(root, 'reports', 'failover')).sort(), ['abc123', 'abc123.tar.gz'], 'no temporary file left beside it');
});
