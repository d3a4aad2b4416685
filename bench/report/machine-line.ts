/** The one-line description of the machine and run, shared by the Markdown and the SVG. */
import type { Results } from '../types.js';

export function machineLine(r: Results): string {
  const m = r.machine;
  const load = `load avg ${m.loadAvg.start.toFixed(2)} at the start (${m.loadAvg.end.toFixed(2)} at the end, this run included)`;
  return `${m.cpus} × ${m.cpuModel}, ${m.platform}${m.cpuPath ? ` (native CPU path \`${m.cpuPath}\`)` : ''}, Node ${m.node}, N-API ${m.napi}, commit ${m.commit}${m.dirty ? ' (+ local changes)' : ''}, ${load}`;
}

/** A shorter line for the chart. */
export function shortMachineLine(r: Results): string {
  const m = r.machine;
  return `${m.cpus} × ${m.cpuModel}${m.cpuPath ? ` (${m.cpuPath})` : ''} · Node ${m.node} · commit ${m.commit}${m.dirty ? '+' : ''} · load avg ${m.loadAvg.start.toFixed(2)} at the start`;
}
