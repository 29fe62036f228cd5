// The CLI's word handling, without running it: did-you-mean for scenario names, exec's command
// words, and reading --help back (the parser the help test relies on must see a missing description).
import test from 'ava';
import { nearestNames } from '../../harness/scenario/resolve.js';
import { separateExecCommand } from '../../harness/cli/cmd-exec.js';
import { helpEntries } from '../helpers/help-text.js';

const KNOWN = ['baseline', 'failover', 'failover-nolearning', 'failover-static-arp', 'floating-local', 'vtep-deleted', 'vtep-deleted-fix', 'vtepmac-learned'];

test('nearest scenario names: a typo finds the name, a prefix its family, nonsense nothing', (t) => {
  t.deepEqual(nearestNames('falover', KNOWN), ['failover']);
  t.deepEqual(nearestNames('basline', KNOWN), ['baseline']);
  t.deepEqual(nearestNames('failovr-nolearning', KNOWN), ['failover-nolearning']);
  t.deepEqual(nearestNames('vtep', KNOWN), ['vtep-deleted', 'vtep-deleted-fix', 'vtepmac-learned']);
  t.deepEqual(nearestNames('xyzzy', KNOWN), []);
  t.deepEqual(nearestNames('k', KNOWN), []);
});

test('exec: the words after the host are the command, options included; a -- the user wrote stays the only one', (t) => {
  t.deepEqual(separateExecCommand(['exec', 'ab12', 'master', 'ip', '-br', 'addr']), ['exec', 'ab12', 'master', '--', 'ip', '-br', 'addr']);
  t.deepEqual(separateExecCommand(['exec', 'ab12', 'master', '--', 'ip', '-br', 'addr']), ['exec', 'ab12', 'master', '--', 'ip', '-br', 'addr']);
  t.deepEqual(separateExecCommand(['exec', 'ab12', 'master']), ['exec', 'ab12', 'master']);
  t.deepEqual(separateExecCommand(['exec', '--help']), ['exec', '--help']);
  t.deepEqual(separateExecCommand(['exec', 'ab12', '--help', 'x']), ['exec', 'ab12', '--help', 'x']);
  t.deepEqual(separateExecCommand(['plan', 'a', 'b', '-x']), ['plan', 'a', 'b', '-x']);
});

test('the help reader: names, descriptions and notes, wrapped lines joined; an option without a description reads as empty', (t) => {
  const help = [
    'overlab clean',
    '',
    'remove things',
    '',
    'Positionals:',
    '  run   a run id (or its start)                                  [string] [required]',
    '',
    'Options:',
    '  --provider    where the hosts come from (default: the scenario\'s provider, else',
    '                netns)',
    '                           [string] [choices: "netns", "docker"]',
    '  --junit-file, --junit  also write one JUnit file                    [string]',
    '  --bare                                                    [boolean] [default: false]',
    '  --help        Show help                                             [boolean]',
  ].join('\n');
  const e = helpEntries(help);
  t.deepEqual(e.map((x) => [x.section, x.name]), [['Positionals', 'run'], ['Options', '--provider'], ['Options', '--junit-file, --junit'], ['Options', '--bare'], ['Options', '--help']]);
  t.is(e[1]!.description, "where the hosts come from (default: the scenario's provider, else netns)");
  t.deepEqual(e[1]!.notes, ['[string]', '[choices: "netns", "docker"]']);
  t.is(e[3]!.description, '', 'no description: the help test fails on such an option');
  t.is(e[0]!.description, 'a run id (or its start)');
});
