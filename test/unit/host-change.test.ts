// host-change ledger entries: a change on a host the run did not create, undone over the
// provider's transport at teardown, newest first, going on past a failure. The transport here
// is a recorder (this tests the core's ordering and error handling, not a host).
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceLedger, entriesOf, isHostChange, readLedger, type LedgerEntry } from '../../harness/core/ledger.js';
import { undoHostChanges } from '../../harness/core/run-context.js';
import type { NodeHandle } from '../../harness/providers/types.js';

function recorder(failOn?: string): { calls: string[]; node: (host: string) => NodeHandle } {
  const calls: string[] = [];
  return {
    calls,
    node: (host) => ({
      id: host,
      location: host,
      exec: async (argv) => {
        calls.push(`${host}: ${argv.join(' ')}`);
        if (argv.includes(failOn ?? '\0')) throw new Error('RTNETLINK answers: No such process');
        return { argv: [...argv], exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
      },
    }),
  };
}

const changes: LedgerEntry[] = [
  { kind: 'host-change', host: 'n1', what: 'route 10.217.1.0/24', undo: ['ip', 'route', 'del', '10.217.1.0/24', 'dev', 'flannel.0'] },
  { kind: 'netns', name: 'ol-abc.n1' },
  { kind: 'host-change', host: 'n2', what: 'fdb 02:0f:0a:a9:48:26', undo: ['bridge', 'fdb', 'del', '02:0f:0a:a9:48:26', 'dev', 'flannel.0', 'self'] },
  { kind: 'host-change', host: 'n1', what: 'device flannel.0', undo: ['ip', 'link', 'del', 'dev', 'flannel.0'] },
];

test('undone newest first, only host-change entries, each on its own host', async (t) => {
  const r = recorder();
  t.deepEqual(await undoHostChanges(r, changes), []);
  t.deepEqual(r.calls, ['n1: ip link del dev flannel.0', 'n2: bridge fdb del 02:0f:0a:a9:48:26 dev flannel.0 self', 'n1: ip route del 10.217.1.0/24 dev flannel.0']);
});

test('a failed undo is reported with the host, what and the argv, and the rest still run', async (t) => {
  const r = recorder('fdb');
  const failures = await undoHostChanges(r, changes);
  t.is(r.calls.length, 3, 'every undo was tried');
  t.is(failures.length, 1);
  t.regex(failures[0]!.message, /undoing fdb 02:0f:0a:a9:48:26 on n2 \(bridge fdb del .*\): RTNETLINK answers: No such process/);
});

test('the ledger file keeps host-change entries and provider kinds apart', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-ledger-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ledger = new ResourceLedger(dir);
  ledger.record(...changes);
  const back = readLedger(ledger.file);
  t.is(back.filter(isHostChange).length, 3);
  t.deepEqual(entriesOf<{ kind: 'netns'; name: string }>(back, 'netns', 'name').map((e) => e.name), ['ol-abc.n1']);
  // A malformed entry of a kind is not taken for one.
  t.deepEqual(entriesOf<{ kind: 'netns'; name: string }>([{ kind: 'netns', name: 7 }], 'netns', 'name'), []);
  t.false(isHostChange({ kind: 'host-change', host: 'n1' }));
});
