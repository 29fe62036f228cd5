// Shared test fixtures for report tests: a RunReport of the reference topology (override what a
// test is about), and a description of a directory tree for comparing unpacked bundles.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AssertionResult } from '../../harness/assert/types.js';
import type { RunReport } from '../../harness/report/types.js';

export const assertion = (id: string, status: 'passed' | 'failed'): AssertionResult => ({ id, title: id, status, expected: `${id} expected`, actual: `${id} actual`, evidence: [] });

/** The failover topology as report.json carries it (design.md §1), with the optional fields. */
export const FAILOVER_TOPOLOGY: RunReport['topology'] = {
  nodes: [
    { name: 'master', role: 'master', underlayIp: '10.169.72.127', vtepMac: '02:0f:0a:a9:48:7f', podCidr: '10.217.0.0/24', pods: [{ name: 'nginx', ip: '10.217.0.22', mac: '0a:58:0a:d9:00:16' }] },
    { name: 'worker', role: 'worker', underlayIp: '10.169.72.128', vtepMac: '02:0f:0a:a9:48:80', podCidr: '10.217.1.0/24', pods: [{ name: 'nginx', ip: '10.217.1.30', mac: '0a:58:0a:d9:01:1e' }] },
  ],
  bigips: [
    { name: 'bigip1', underlayIp: '10.169.72.36', tunnelMac: '02:0f:0a:a9:48:24', tunnelSelfIp: '10.217.31.36/16', haState: 'standby' },
    { name: 'bigip2', underlayIp: '10.169.72.38', tunnelMac: '02:0f:0a:a9:48:26', tunnelSelfIp: '10.217.33.38/16', haState: 'active' },
  ],
  underlay: { cidr: '10.169.0.0/16', mtu: 1500 },
  flannel: { network: '10.217.0.0/16', vni: 0, port: 8472, device: 'flannel.0', learning: true, bridged: true, mtu: 1450 },
  tunnel: { name: 'flannel_vxlan', key: 0, mtu: 1450, profile: 'fl-vxlan', floodingType: 'multipoint' },
  external: { cidr: '10.1.10.0/24' },
  client: { ip: '10.1.10.10' },
  virtualServers: [{ name: 'vs-nginx', destination: '10.1.10.100', tcpPort: 80, udpPort: 7, pool: ['master/nginx', 'worker/nginx'] }],
};

/** A small, valid report of a passed failover run; `over` replaces whole top-level fields. */
export function sampleReport(over: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 1,
    scenario: 'failover',
    provider: 'netns',
    runId: 'abc123',
    status: 'passed',
    startedAt: '2026-11-25T00:45:29.926Z',
    durationMs: 2157.7,
    phases: [{ name: 'boot', durationMs: 82.7, status: 'passed' }],
    topology: { nodes: [], bigips: [] },
    assertions: [assertion('mtu', 'passed'), assertion('failover', 'passed')],
    metrics: { bootMs: 82.8, failoverOutageMs: 20.4 },
    artifacts: { pcaps: [] },
    runDir: '/tmp/reports/failover/abc123',
    ...over,
  };
}

/** Every path under dir (relative) with what it is: directories and modes, link targets, file modes, sizes and bytes. */
export function dirTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = lstatSync(full);
      const rel = relative(dir, full);
      const mode = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) {
        out[`${rel}/`] = `dir ${mode}`;
        walk(full);
      } else if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(full)}`;
      else out[rel] = `file ${mode} ${st.size} ${readFileSync(full).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}
