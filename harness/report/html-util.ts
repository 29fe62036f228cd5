// Small helpers for building HTML and SVG as strings: escaping, number formatting, and the
// `html` tag that escapes interpolated values unless they are already markup (Raw).

export class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const raw = (text: string): Raw => new Raw(text);

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

type Part = Raw | string | number | boolean | undefined | null | readonly Part[];

function part(v: Part): string {
  if (v === undefined || v === null || v === false) return '';
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return (v as readonly Part[]).map(part).join('');
  return esc(v);
}

/** Template tag: interpolations are escaped, Raw values and arrays of them are inserted as they are. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => (out += part(v) + (strings[i + 1] ?? '')));
  return raw(out);
}

export function join(parts: readonly Raw[], sep = ''): Raw {
  return raw(parts.map((p) => p.text).join(sep));
}

/** Milliseconds, human-sized: 0.42 ms, 82.7 ms, 1.10 s, 2 min 3 s. */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 0) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A number for an SVG attribute: short and locale-free. */
export function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
}

/** A relative link to a file of the run (the report sits at the top of the run directory). */
export function fileLink(path: string, label: string = path): Raw {
  const href = path.split('/').map(encodeURIComponent).join('/');
  return html`<a class="file" href="${href}">${label}</a>`;
}

/** Rough text width in px for the sans-serif font used in the SVGs (for sizing boxes). */
export function textWidth(text: string, fontPx: number): number {
  return text.length * fontPx * 0.58;
}
