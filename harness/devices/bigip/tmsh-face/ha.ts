// HA between two face units: `tmsh hbd`, the daemon that listens on the unit's HA address, UDP
// 1026, and takes traffic-group-1 when its peer asks; and `run sys failover standby`, which
// releases the group on the active unit, asks the peer to take it and returns once the peer
// says it holds it (bounded: 5 s; without an answer the unit takes the group back and says so).
// Releasing, taking and announcing are sim's (sim/traffic-group.ts); the group is built from
// this unit's objects (traffic-group.ts).
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { startProcess } from '../../../core/process.js';
import { readSimFailoverStatus } from '../sim/observe.js';
import { TG_TABLE } from '../sim/rulesets.js';
import { announceTrafficGroup, releaseTrafficGroup, takeTrafficGroup } from '../sim/traffic-group.js';
import { booted } from './boot.js';
import { TmshFaceError } from './errors.js';
import { decode, encode, GROUP, HA_PORT, type HaMessage } from './ha-messages.js';
import type { Kernel } from './kernel.js';
import type { FaceStore } from './store.js';
import { trafficGroupOf } from './traffic-group.js';

export const TAKE_TIMEOUT_MS = 5000;
const RESEND_MS = 250;

/** Starts a process the unit does not wait for (gratuitous ARP). */
function spawnDetached(argv: readonly string[]): void {
  startProcess(argv, { detached: true, stdout: 'ignore', stderr: 'ignore' }).child.unref();
}

/** Takes traffic-group-1 (nothing when the unit holds it already) and announces it. Holding the lock. */
async function take(store: FaceStore, k: Kernel): Promise<'taken' | 'held'> {
  const config = await booted(store, k);
  if ((await readSimFailoverStatus(k.node)) === 'ACTIVE') return 'held';
  const tg = trafficGroupOf(config);
  await takeTrafficGroup(k.node, tg, (ruleset) => k.nftTable(TG_TABLE, ruleset));
  announceTrafficGroup(tg, spawnDetached);
  return 'taken';
}

const log = (unit: string, line: string) => process.stderr.write(`${new Date().toISOString()} hbd[${unit}]: ${line}\n`);

/** `tmsh hbd`: runs until SIGTERM/SIGINT. Prints "listening on <addr>:1026" once it is. */
export async function heartbeatDaemon(store: FaceStore, k: Kernel): Promise<void> {
  const unit = store.unit();
  await store.locked(() => booted(store, k));
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (e) => reject(new TmshFaceError(`tmsh hbd: cannot listen on ${unit.haAddress}:${HA_PORT}: ${e.message} (is the HA address on this unit?)`)));
    socket.bind(HA_PORT, unit.haAddress, () => resolve());
  });
  // Requests are handled one at a time, in order: a retransmission waits for the take it repeats.
  let queue = Promise.resolve();
  socket.on('message', (data, from) => {
    if (from.address !== unit.peer.haAddress) return log(unit.unit, `ignored a datagram from ${from.address}:${from.port} (only ${unit.peer.unit}, ${unit.peer.haAddress}, is heard)`);
    const m = decode(data);
    if (typeof m === 'string') return log(unit.unit, `ignored a datagram from ${unit.peer.unit}: ${m}`);
    if (m.op !== 'take') return log(unit.unit, `ignored "${m.op}" from ${unit.peer.unit}: only take is asked of a daemon`);
    queue = queue.then(async () => {
      let reply: HaMessage;
      try {
        const outcome = await store.locked(() => take(store, k));
        log(unit.unit, outcome === 'taken' ? `took ${GROUP} for ${m.from} (request ${m.id})` : `${m.from} asked again (request ${m.id}): ${GROUP} is held here`);
        reply = { v: 1, op: 'taken', group: GROUP, unit: unit.unit, id: m.id };
      } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
        log(unit.unit, `could not take ${GROUP} for ${m.from}: ${message}`);
        reply = { v: 1, op: 'refused', group: GROUP, unit: unit.unit, id: m.id, message };
      }
      socket.send(encode(reply), from.port, from.address);
    });
  });
  process.stdout.write(`hbd[${unit.unit}]: listening on ${unit.haAddress}:${HA_PORT}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => socket.close(() => resolve());
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await queue;
}

/** `run sys failover standby` on this unit. */
export async function failoverStandby(store: FaceStore, k: Kernel): Promise<void> {
  const unit = store.unit();
  const what = 'tmsh: run sys failover standby';
  await store.locked(async () => {
    const config = await booted(store, k);
    const status = await readSimFailoverStatus(k.node);
    if (status !== 'ACTIVE') throw new TmshFaceError(`${what}: ${unit.unit} is ${status}: only the unit active for ${GROUP} can release it (run it on ${unit.peer.unit})`);
    await releaseTrafficGroup(k.node, trafficGroupOf(config));
  });
  try {
    await askPeerToTake(unit.unit, unit.haAddress, unit.peer);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    let back = `${unit.unit} took ${GROUP} back`;
    try {
      await store.locked(() => take(store, k));
    } catch (again) {
      back = `and taking it back failed too: ${(again as Error).message.split('\n')[0]}; no unit may be active now`;
    }
    throw new TmshFaceError(`${what}: released ${GROUP}, but ${unit.peer.unit} (${unit.peer.haAddress}:${HA_PORT}) ${why}; ${back}`);
  }
}

/** Sends take until the peer answers (or TAKE_TIMEOUT_MS passes); rejects with what happened. */
function askPeerToTake(from: string, haAddress: string, peer: { unit: string; haAddress: string }): Promise<void> {
  const id = randomUUID();
  const request = encode({ v: 1, op: 'take', group: GROUP, from, id });
  const socket: Socket = createSocket('udp4');
  return new Promise<void>((resolve, reject) => {
    let resend: NodeJS.Timeout | undefined;
    const done = (error?: string) => {
      clearInterval(resend);
      clearTimeout(deadline);
      socket.close();
      if (error) reject(new Error(error));
      else resolve();
    };
    const deadline = setTimeout(() => done(`did not answer within ${TAKE_TIMEOUT_MS / 1000} s (is its tmsh hbd running?)`), TAKE_TIMEOUT_MS);
    socket.on('error', (e) => done(`could not be asked: ${e.message}`));
    socket.on('message', (data, rinfo) => {
      if (rinfo.address !== peer.haAddress) return;
      const m = decode(data);
      if (typeof m === 'string' || m.id !== id) return;
      if (m.op === 'taken') done();
      else if (m.op === 'refused') done(`refused to take it: ${m.message}`);
    });
    socket.bind(0, haAddress, () => {
      const send = () => socket.send(request, HA_PORT, peer.haAddress);
      send();
      resend = setInterval(send, RESEND_MS);
    });
  });
}
