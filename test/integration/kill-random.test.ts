// Nightly CI's worst case: a run SIGKILLed at a random moment (boot, traffic, checks, teardown),
// and `overlab clean` run at once — while the killed CLI is still a zombie, since nothing has
// reaped it yet. One clean must leave nothing of the run (namespaces, processes in them,
// containers, networks, flanneld, etcd data, the run's registry record), never hang, and exit 0
// only when it left nothing. Rounds: OVERLAB_KILL_ROUNDS (default 30); the docker rounds are in
// docker.test.ts.
import { isolateState, missingPrerequisites, prereqTest } from './_env.js';
import { killRounds } from './_kill-rounds.js';

const state = isolateState('kill-random');
const rootMissing = missingPrerequisites() ? [missingPrerequisites()!.replace(/^needs /, '')] : [];

prereqTest('netns: SIGKILL at a random moment, then one clean: nothing of the run is left', rootMissing, async (t) => {
  t.timeout(600_000);
  await killRounds(t, state, 'netns', Number(process.env.OVERLAB_KILL_ROUNDS ?? 30), 2500);
}, { serial: true });
