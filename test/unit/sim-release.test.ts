// Releasing traffic-group-1 on the stand-in (sim/traffic-group.ts): a table already gone is
// released, but an `nft delete table` that fails otherwise is an error naming the unit, never a
// silent unit that keeps translating for a group it gave away (traffic would look recovered).
// The node handle is a recorder of argv with canned results: what is tested is our own decision.
import test from 'ava';
import type { CommandResult } from '../../harness/core/command.js';
import type { NodeHandle } from '../../harness/providers/types.js';
import { releaseTrafficGroup, type TrafficGroupPlan } from '../../harness/devices/bigip/sim/traffic-group.js';

const tg: TrafficGroupPlan = { addresses: [{ ip: '10.1.10.100', cidr: '10.1.10.100/32', dev: 'ext0', virtual: true }], tunnels: [], ruleset: '', virtualAddresses: ['10.1.10.100'] };

function unit(nftResult: Partial<CommandResult>): { node: NodeHandle; ran: string[] } {
  const ran: string[] = [];
  const node: NodeHandle = {
    id: 'bigip1',
    location: 'test',
    exec: async (argv) => {
      ran.push(argv.join(' '));
      const r = argv[0] === 'nft' ? nftResult : {};
      return { argv, exitCode: 0, stdout: '', stderr: '', durationMs: 0, ...r };
    },
  };
  return { node, ran };
}

test('a table already gone is released; the addresses and the flows go', async (t) => {
  const { node, ran } = unit({ exitCode: 1, stderr: 'Error: Could not process rule: No such file or directory' });
  await releaseTrafficGroup(node, tg);
  t.true(ran.some((a) => a.startsWith('ip -force -batch')), ran.join('\n'));
  t.true(ran.includes('conntrack -D --orig-dst 10.1.10.100'));
});

test('any other failure of the table\'s removal is an error naming the unit and what nft said', async (t) => {
  const { node, ran } = unit({ exitCode: 1, stderr: 'Error: Could not process rule: Operation not permitted' });
  const e = await t.throwsAsync(releaseTrafficGroup(node, tg));
  t.regex(e!.message, /^bigip1: releasing traffic-group-1 failed, its translation stays: nft delete table ip \S+: exit 1: Error: Could not process rule: Operation not permitted$/);
  t.deepEqual(ran.length, 1, 'nothing else done: the unit still holds the group');
});
