/**
 * Beat morphology for the synthetic generator: a 3-D heart-vector (dipole) model in which each wave
 * of the P-QRS-T complex is a Gaussian in time with a fixed direction in space — the dynamical model
 * of McSharry et al. (IEEE TBME 2003, "ECGSYN") extended to a vector by Sameni et al. (EURASIP JASP
 * 2007). Leads are projections of the one vector, so the 12 leads stay mutually consistent
 * (Einthoven's law holds exactly). Axes: x = patient's left, y = inferior (feet), z = anterior.
 * Class signatures are edits of the normal template (see `applyClass`).
 */
import type { Rng } from './rng.js';

export type Vec3 = [number, number, number];

/** A Gaussian wave (asymmetric widths) or a smooth plateau (ST-segment injury current). */
export interface Wave {
  kind: 'gauss' | 'plateau';
  /** Centre (gauss) or start (plateau), seconds relative to the R peak. */
  t: number;
  /** gauss: left/right widths (s); plateau: rise/fall time constants (s). */
  bl: number;
  br: number;
  /** Plateau end (s). */
  t1?: number;
  v: Vec3;
  /** Wave belongs to the P wave (dropped for PVCs, replaced for PACs). */
  atrial?: boolean;
}

export interface Patient {
  hr: number;
  /** Frontal QRS axis, degrees. */
  axis: number;
  amp: number;
  qrsScale: number;
  pr: number;
  qtc: number;
  /** Rotation of the heart about the vertical axis (radians), moves the precordial transition. */
  rotation: number;
  precordialGain: number[];
  waves: Wave[];
  /** Ectopic-beat morphology (class 9) and its SNOMED code. */
  ectopic?: { kind: 'pvc' | 'pac'; waves: Wave[]; code: string };
}

const rad = (d: number) => (d * Math.PI) / 180;
const scale = (v: Vec3, k: number): Vec3 => [v[0] * k, v[1] * k, v[2] * k];
const unit = (v: Vec3): Vec3 => scale(v, 1 / Math.hypot(v[0], v[1], v[2]));
const gauss = (t: number, b: number, v: Vec3, br = b): Wave => ({ kind: 'gauss', t, bl: b, br, v });
const plateau = (t0: number, t1: number, rise: number, fall: number, v: Vec3): Wave => ({ kind: 'plateau', t: t0, t1, bl: rise, br: fall, v });
const clamp = (x: number, a: number, b: number) => Math.min(b, Math.max(a, x));

/** Precordial electrode directions in the horizontal plane (degrees from the left, toward anterior). */
export const PRECORDIAL_ANGLES = [118, 96, 76, 56, 32, 6];
export const PRECORDIAL_INFERIOR = [0, 0, 0.05, 0.12, 0.15, 0.15];

/** Projection of a heart vector onto the 12 standard leads (order of STANDARD_LEADS). */
export function leadVectors(p: Pick<Patient, 'rotation' | 'precordialGain'>): Vec3[] {
  const I: Vec3 = [1, 0, 0], II: Vec3 = [0.5, Math.sqrt(3) / 2, 0];
  const comb = (a: number, b: number): Vec3 => [a * I[0] + b * II[0], a * I[1] + b * II[1], 0];
  const limb = [I, II, comb(-1, 1), comb(-0.5, -0.5), comb(1, -0.5), comb(-0.5, 1)];
  const prec = PRECORDIAL_ANGLES.map((deg, k): Vec3 => {
    const th = rad(deg) + p.rotation, g = p.precordialGain[k];
    return [g * Math.cos(th), g * PRECORDIAL_INFERIOR[k], g * Math.sin(th)];
  });
  return [...limb, ...prec];
}

/** Heart-vector value of one wave at time dt (s) relative to the R peak, scaled into `out`. */
export function waveAt(w: Wave, dt: number): number {
  if (w.kind === 'gauss') {
    const x = (dt - w.t) / (dt < w.t ? w.bl : w.br);
    return Math.exp(-0.5 * x * x);
  }
  return 1 / (1 + Math.exp(-(dt - w.t) / w.bl)) / (1 + Math.exp(-((w.t1 ?? w.t) - dt) / w.br));
}
/** Time span (relative to the R peak) outside which a wave is negligible. */
export function waveSpan(w: Wave): [number, number] {
  return w.kind === 'gauss' ? [w.t - 5 * w.bl, w.t + 5 * w.br] : [w.t - 10 * w.bl, (w.t1 ?? w.t) + 10 * w.br];
}

function rateRange(cls: number): [number, number] {
  if (cls === 1) return [102, 150];
  if (cls === 2) return [38, 57];
  return [cls === 0 ? 62 : 58, 98];
}

/** Draws a patient (inter-patient variability) and builds the class's beat template. */
export function makePatient(cls: number, rng: Rng): Patient {
  const [hr0, hr1] = rateRange(cls);
  const p: Patient = {
    hr: rng.uniform(hr0, hr1),
    axis: clamp(rng.normal(50, 22), -25, 95),
    amp: Math.exp(rng.normal(0, 0.15)),
    qrsScale: rng.uniform(0.88, 1.12),
    pr: rng.uniform(0.13, 0.19),
    qtc: rng.uniform(0.39, 0.44),
    rotation: rad(rng.normal(0, 10)),
    precordialGain: [1.0, 1.5, 1.55, 1.5, 1.35, 1.1].map((g) => g * Math.exp(rng.normal(0, 0.08))),
    waves: [],
  };
  if (cls === 3 || cls === 5) p.axis = rng.uniform(-30, 35);
  if (cls === 6) p.axis = rng.uniform(100, 150);
  buildNormal(p, rng);
  applyClass(p, cls, rng);
  return p;
}

/** QT by Bazett from QTc and the RR interval, shortened for very fast rates. */
export function qtOf(p: Patient, rr: number): number {
  return clamp(p.qtc * Math.sqrt(rr), 0.26, 0.52);
}

function buildNormal(p: Patient, rng: Rng): void {
  const a = rad(p.axis), q = p.qrsScale, A = p.amp;
  const rr = 60 / p.hr, qt = qtOf(p, rr);
  const aP = rad(rng.uniform(40, 70)), aT = a + rad(rng.normal(-10, 12));
  const zR = rng.uniform(0.1, 0.35), zT = rng.uniform(0.4, 0.75);
  const P = gauss(-0.045 - p.pr + 0.05, rng.uniform(0.018, 0.024), scale([Math.cos(aP), Math.sin(aP), 0.15], A * rng.uniform(0.12, 0.22)));
  P.atrial = true;
  p.waves.push(
    P,
    gauss(-0.028 * q, 0.008 * q, scale(unit([-0.55, 0.15, 0.82]), A * rng.uniform(0.15, 0.3))), // septal q
    gauss(0, 0.0095 * q, scale([Math.cos(a), Math.sin(a), zR], A * rng.uniform(1.0, 1.35))), // R
    gauss(0.026 * q, 0.009 * q, scale(unit([-0.2, -0.25, -0.95]), A * rng.uniform(0.5, 0.8))), // S
    gauss(-0.045 + qt - 0.1, rng.uniform(0.045, 0.06), scale([Math.cos(aT), Math.sin(aT), zT], A * rng.uniform(0.25, 0.4)), rng.uniform(0.03, 0.04)), // T
  );
}

/** Index of a named wave in the normal template. */
const W = { P: 0, Q: 1, R: 2, S: 3, T: 4 } as const;

/** Edits the normal template into the class's morphology. */
export function applyClass(p: Patient, cls: number, rng: Rng): void {
  const w = p.waves, A = p.amp, a = rad(p.axis), T = w[W.T];
  const tJ = 0.045 * p.qrsScale;
  switch (cls) {
    case 3: { // LBBB: no septal q, broad notched R leftward-posterior, QS in V1, discordant ST-T
      const dir = unit([Math.cos(a), Math.sin(a) * 0.8, -0.75]);
      const wq = rng.uniform(1.0, 1.25);
      w[W.Q].v = scale(unit([0.6, 0.1, -0.2]), A * 0.08);
      w[W.R] = gauss(-0.028 * wq, 0.02 * wq, scale(dir, A * rng.uniform(1.0, 1.4)));
      w[W.S] = gauss(0.028 * wq, 0.021 * wq, scale(unit([dir[0] + 0.15, dir[1] - 0.2, dir[2]]), A * rng.uniform(1.1, 1.5)));
      T.v = scale(dir, -A * rng.uniform(0.35, 0.55));
      w.push(plateau(0.07 * wq, T.t, 0.012, 0.03, scale(dir, -A * rng.uniform(0.08, 0.15))));
      break;
    }
    case 4: { // RBBB: normal start, terminal slow rightward-anterior R' (rsR' V1, wide S in I/V6), T down in V1-V3
      const wq = rng.uniform(1.0, 1.2);
      w[W.S].v = scale(w[W.S].v, 0.7);
      w.push(gauss(0.062 * wq, 0.016 * wq, scale(unit([-0.55, 0.05, 0.85]), A * rng.uniform(0.7, 1.05)), 0.02 * wq));
      T.v = [T.v[0], T.v[1], -Math.abs(T.v[2]) * rng.uniform(0.3, 0.7)];
      break;
    }
    case 5: { // LVH: high voltage leftward-posterior, slightly wider QRS, strain (ST depression + T inversion laterally)
      const k = rng.uniform(1.6, 2.2);
      w[W.R].v = scale([w[W.R].v[0], w[W.R].v[1], w[W.R].v[2] - 0.5 * A], k);
      w[W.S].v = scale(w[W.S].v, k * 1.25);
      w[W.R].bl *= 1.15; w[W.R].br *= 1.15;
      if (rng.chance(0.8)) {
        const rdir = unit(w[W.R].v);
        T.v = scale(rdir, -A * rng.uniform(0.2, 0.4));
        w.push(plateau(tJ + 0.01, T.t - 0.03, 0.015, 0.04, scale(rdir, -A * rng.uniform(0.05, 0.12))));
      }
      break;
    }
    case 6: { // RVH: right axis, tall R in V1 (anterior-rightward), deep S in V5-V6, right strain, P pulmonale
      w[W.R].v = scale([Math.cos(a), Math.sin(a), rng.uniform(0.6, 0.9)], A * rng.uniform(1.0, 1.3));
      w[W.S] = gauss(0.026 * p.qrsScale, 0.01, scale(unit([0.4, -0.3, -0.5]), A * rng.uniform(0.4, 0.7)));
      T.v = [T.v[0] * 0.5, T.v[1], -Math.abs(T.v[2]) * rng.uniform(0.4, 0.9)];
      w[W.P].v = scale(w[W.P].v, rng.uniform(1.3, 1.7));
      break;
    }
    case 7: { // ST elevation in contiguous leads (inferior, anterior or lateral), hyperacute T
      const site = rng.pick(['inferior', 'anterior', 'lateral'] as const);
      const dir = unit(site === 'inferior' ? [0.05, 1, -0.1] : site === 'anterior' ? [-0.2, 0, 1] : [1, -0.35, 0.35]);
      const k = A * (site === 'anterior' ? rng.uniform(0.15, 0.3) : rng.uniform(0.2, 0.38));
      w.push(plateau(tJ - 0.005, T.t, 0.006, 0.03, scale(dir, k)));
      T.v = [T.v[0] + dir[0] * k * 1.2, T.v[1] + dir[1] * k * 1.2, T.v[2] + dir[2] * k * 1.2];
      break;
    }
    case 8: { // ST depression, diffuse subendocardial: depressed where R is tall, raised in aVR
      const dir = unit([0.55, 0.75, 0.45]);
      const k = A * rng.uniform(0.12, 0.24);
      w.push(plateau(tJ, T.t - rng.uniform(0.0, 0.06), 0.008, 0.035, scale(dir, -k)));
      T.v = scale(T.v, rng.uniform(-0.4, 0.5));
      break;
    }
    case 9: { // ectopy: the record gets premature beats (scheduled by the generator)
      if (rng.chance(0.65)) {
        const d1 = unit([rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1)]);
        const d2 = unit([d1[0] + rng.normal(0, 0.6), d1[1] + rng.normal(0, 0.6), d1[2] + rng.normal(0, 0.6)]);
        const m = A * rng.uniform(1.3, 2.2);
        p.ectopic = {
          kind: 'pvc', code: '17338001', waves: [
            gauss(-0.02, 0.028, scale(d1, m)),
            gauss(0.045, 0.03, scale(d2, m * 0.6)),
            gauss(0.3, 0.07, scale(d1, -m * 0.3), 0.05),
          ],
        };
      } else {
        const ap = rad(rng.uniform(-90, 30));
        const P: Wave = gauss(-0.045 - p.pr * 0.85 + 0.05, 0.018, scale([Math.cos(ap), Math.sin(ap), 0.1], A * rng.uniform(0.1, 0.18)));
        P.atrial = true;
        p.ectopic = { kind: 'pac', code: '284470004', waves: [P, ...w.filter((x) => !x.atrial)] };
      }
      break;
    }
  }
}
