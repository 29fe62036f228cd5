// Phase timings as a Gantt-style inline SVG: one bar per phase, placed where it ran in the run
// (phases run one after another), with its duration.
import type { PhaseRecord } from './types.js';
import { esc, fmtMs, num } from './html-util.js';

export function phasesSvg(phases: readonly PhaseRecord[]): string {
  if (phases.length === 0) return '';
  const W = 960;
  const LABEL = 170;
  const RIGHT = 90;
  const ROW = 24;
  const total = phases.reduce((s, p) => s + p.durationMs, 0) || 1;
  const H = phases.length * ROW + 30;
  const scale = (W - LABEL - RIGHT) / total;
  const out: string[] = [`<svg id="phase-chart" class="chart phases" viewBox="0 0 ${W} ${H}" role="img" aria-label="phase timings" xmlns="http://www.w3.org/2000/svg">`];
  let start = 0;
  phases.forEach((p, i) => {
    const y = 6 + i * ROW;
    const x = LABEL + start * scale;
    const w = Math.max(2, p.durationMs * scale);
    out.push(`<text class="ph-label" x="${LABEL - 10}" y="${y + 15}" text-anchor="end">${esc(p.name)}</text>`);
    out.push(`<rect class="ph-track" x="${LABEL}" y="${y + 3}" width="${W - LABEL - RIGHT}" height="${ROW - 8}" rx="3"/>`);
    out.push(`<rect class="ph-bar ph-${esc(p.status)}" x="${num(x)}" y="${y + 3}" width="${num(w)}" height="${ROW - 8}" rx="3"><title>${esc(`${p.name}: ${fmtMs(p.durationMs)} (${p.status}), from +${fmtMs(start)}`)}</title></rect>`);
    out.push(`<text class="ph-value" x="${num(Math.min(x + w + 6, W - RIGHT + 6))}" y="${y + 15}">${esc(fmtMs(p.durationMs))}${p.status !== 'passed' ? ` · ${esc(p.status)}` : ''}</text>`);
    start += p.durationMs;
  });
  const axisY = 6 + phases.length * ROW + 4;
  out.push(`<line class="ph-axis" x1="${LABEL}" x2="${W - RIGHT}" y1="${axisY}" y2="${axisY}"/>`);
  out.push(`<text class="ph-tick" x="${LABEL}" y="${axisY + 16}">0</text>`);
  out.push(`<text class="ph-tick" x="${W - RIGHT}" y="${axisY + 16}" text-anchor="end">${esc(fmtMs(total))}</text>`);
  out.push('</svg>');
  return out.join('\n');
}
