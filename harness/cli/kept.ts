// What a kept run prints last (overlab up, scenario --keep): its id, what to try, how to remove it.
export function printKept(runId: string, node: string | undefined): void {
  console.log(`kept:  run ${runId} stays up`);
  console.log(`try:   overlab exec ${runId} ${node ?? 'NODE'} -- ip -br addr   (also: overlab inspect|traffic|failover|snapshot|check ${runId})`);
  console.log(`done:  overlab down ${runId}`);
}
