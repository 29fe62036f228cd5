// Above these sizes report.html summarises instead of drawing every row, cell or node: a 100-node
// x 10-pod run drew 108,000 matrix cells one by one (27 MB, a minute in Chromium). Below them a
// page shows everything, as it always has. The full data is always in evidence/ and pcaps/, and
// every summary says what it left out and links the file that has it.

/** Reachability probes of one matrix drawn one square each (a 50 x 50 heat map); above, node-level groups. */
export const MATRIX_CELLS_DRAWN = 2500;
/** Nodes whose FDB tables are shown in full; above, one summary row a node and a few in full. */
export const FDB_NODES_FULL = 12;
/** Node FDB tables shown in full when the nodes are summarised (those with changes first). */
export const FDB_NODES_SAMPLED = 3;
/** Rows of one FDB table; above, changed rows and the first unchanged ones. */
export const FDB_ROWS_FULL = 200;
/** Unchanged rows kept in a table that was cut to FDB_ROWS_FULL. */
export const FDB_ROWS_SAMPLED = 40;
/** Hosts listed in the MTU table; above, a count per kind and the hosts that differ from the plan. */
export const MTU_HOSTS_FULL = 40;
/** Hosts with a mismatch listed when the MTU table is summarised. */
export const MTU_HOSTS_LISTED = 50;
/** Capture summaries drawn as panels; above, totals and a few panels (those with decoder notes first). */
export const CAPTURE_PANELS_FULL = 12;
export const CAPTURE_PANELS_SAMPLED = 4;
/** Flows of one capture summary listed; above, the largest ones. */
export const CAPTURE_FLOWS_LISTED = 40;
/** Nodes drawn as boxes with their pods; above, a grid of small marks with pods counted. */
export const TOPOLOGY_NODES_DRAWN = 12;
/** Characters of a text evidence file (tmsh, nft) shown inline; the rest is in the file. */
export const TEXT_INLINE_CHARS = 64 * 1024;
