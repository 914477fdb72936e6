/** Number/text formatting helpers shared by the report and the figures. */

/**
 * `x` with `digits` decimals exactly as Python's `'{:.Nf}'.format(x)`: the exact binary value is
 * rounded, exact ties go to the even digit (JavaScript's `toFixed` rounds ties up instead).
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s = a.toFixed(digits);
  // The exact decimal expansion of a double with ≤ 100 decimals is what toFixed(100) prints
  // when the value is a tie at `digits` (such values are dyadic with few digits).
  if (digits + 1 <= 100) {
    const full = a.toFixed(Math.min(100, digits + 60));
    const dot = full.indexOf('.');
    const tail = full.slice(dot + 1 + digits);
    if (tail[0] === '5' && /^50*$/.test(tail)) {
      // Tie: keep the truncated value when its last digit is even.
      const trunc = full.slice(0, dot + 1 + digits).replace(/\.$/, '');
      const last = trunc.replace('.', '').slice(-1);
      if (Number(last) % 2 === 0) s = trunc;
    }
  }
  return neg ? '-' + s : s;
}

/** Python `'{:>{w}}'`: right-align in `width` (never truncates). */
export function pyFormatRight(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Shortest readable form for tick labels: 0, 0.2, 1, 1.5, 10, 1e-4 ... */
export function formatTick(v: number, step: number): string {
  if (Math.abs(v) < step * 1e-9) return '0';
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(Math.abs(step)) + 1e-9)));
  if (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-4) return v.toExponential(1);
  return v.toFixed(decimals);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without Buffer/btoa, for data: URIs. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[v >>> 18] + B64[(v >>> 12) & 63] + B64[(v >>> 6) & 63] + B64[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += B64[v >>> 18] + B64[(v >>> 12) & 63] + '==';
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[v >>> 18] + B64[(v >>> 12) & 63] + B64[(v >>> 6) & 63] + '=';
  }
  return out;
}
