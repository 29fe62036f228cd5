// `overlab pcap <file>`: summarise an underlay capture (pcap or pcapng): VXLAN flows per VTEP pair,
// VNIs, inner protocols, sizes, ARP. `--json` prints the PcapSummary as JSON. A file that is not
// a capture, is corrupt or is cut short exits 2 with the byte offset and what was expected.
import { parseArgs } from 'node:util';
import type { CommandModule } from 'yargs';
import { HarnessError } from '../core/errors.js';
import { DEFAULT_VXLAN_PORTS } from '../pcap/decode.js';
import { formatSummary, summarizePcap } from '../pcap/summary.js';

interface PcapArgs {
  file: string;
  json: boolean;
  'vxlan-port'?: (string | number)[];
  'allow-truncated-tail': boolean;
}

function parsePorts(values: (string | number)[] | undefined): number[] {
  if (!values || values.length === 0) return [...DEFAULT_VXLAN_PORTS];
  const ports = values.flatMap((v) => String(v).split(',')).map((v) => v.trim());
  const bad = ports.filter((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535);
  if (bad.length) throw new HarnessError(`--vxlan-port: not a UDP port (1-65535): ${bad.join(', ')}`);
  return [...new Set(ports.map(Number))];
}

export const pcapCommand: CommandModule<object, PcapArgs> = {
  command: 'pcap <file>',
  describe: 'summarise a capture: VXLAN flows per VTEP pair, VNIs, inner protocols, sizes, ARP',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'a pcap or pcapng file' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
      .option('vxlan-port', {
        type: 'string',
        array: true,
        describe: `UDP destination port(s) decoded as VXLAN (default ${DEFAULT_VXLAN_PORTS.join(' ')}); repeat or separate with commas`,
      })
      .option('allow-truncated-tail', {
        type: 'boolean',
        default: false,
        describe: 'summarise the whole packets of a file whose last record is cut short, with a warning, instead of failing',
      }),
  handler: (args) => summarise(args),
};

async function summarise(args: PcapArgs): Promise<void> {
  const summary = await summarizePcap(args.file, { vxlanPorts: parsePorts(args['vxlan-port']), allowTruncatedTail: args['allow-truncated-tail'] });
  if (args.json) console.log(JSON.stringify(summary, null, 2));
  else console.log(formatSummary(summary));
  for (const w of summary.warnings) process.stderr.write(`overlab: warning: ${w}\n`);
}

/**
 * `overlab pcap` without yargs, for the plain command lines (`pcap FILE [--json]
 * [--vxlan-port P]... [--allow-truncated-tail]`), with Node's own parseArgs: loading yargs and
 * its text-width tables is a tenth of a second of CPU, and `overlab pcap` is timed against
 * tcpdump as a whole process. Returns false for anything else (--help, a typo, --no-json, a
 * camel-cased option), which then goes through yargs as before, with its messages.
 */
export async function runPcapQuickly(argv: readonly string[]): Promise<boolean> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, 'vxlan-port': { type: 'string', multiple: true }, 'allow-truncated-tail': { type: 'boolean' } },
    });
  } catch {
    return false;
  }
  const [command, file, ...rest] = parsed.positionals;
  if (command !== 'pcap' || file === undefined || rest.length > 0) return false;
  const v = parsed.values;
  await summarise({ file, json: v.json ?? false, 'vxlan-port': v['vxlan-port'], 'allow-truncated-tail': v['allow-truncated-tail'] ?? false });
  return true;
}
