// `tmsh` on a stand-in unit: the face's entry point (dist/harness/devices/bigip/tmsh-face/main.js,
// started by the launcher launcher.ts writes). It runs inside the unit, as root, with
// $OVERLAB_TMSH_STATE_DIR naming the unit's directory (unit.json, config.json).
//
//   tmsh -q -c '<cmd>; <cmd>; ...'     the subset (parse.ts), exit 0, or 1 with one line per problem
//   tmsh <words...>                    one command, e.g. `tmsh show net arp`
//   tmsh hbd                           the HA daemon (ha.ts); prints "listening on ..." when ready
import { TmshFaceError } from './errors.js';
import { heartbeatDaemon } from './ha.js';
import { localKernel } from './kernel.js';
import { commandText } from './main-args.js';
import { runSession } from './session.js';
import { FaceStore, READS_ONLY_ENV, stateDirFromEnv } from './store.js';

async function main(argv: readonly string[]): Promise<number> {
  try {
    const text = commandText(argv);
    const store = new FaceStore(stateDirFromEnv());
    const kernel = localKernel(store.unit().unit, store.dir);
    if (text === undefined) await heartbeatDaemon(store, kernel);
    else process.stdout.write(await runSession(text, store, kernel, { readsOnly: process.env[READS_ONLY_ENV] || undefined }));
    return 0;
  } catch (e) {
    const message = e instanceof TmshFaceError ? e.message : `tmsh: internal error: ${e instanceof Error ? (process.env.OVERLAB_DEBUG ? e.stack : e.message) : String(e)}`;
    process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
