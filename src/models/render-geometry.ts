/**
 * The image a model takes, as its file's render options describe it: the layouts a renderer draws,
 * the default size, and how many planes each layout gives. It lives with the model file (below src/ecg)
 * so a file is checked when it loads — a layout nobody draws, a lead span of 0 mV, or an image of
 * another size than the network's input is refused there, not at the first prediction; src/ecg/render.ts
 * draws by these same definitions. No imports: the renderer loads it without any of the network code.
 */

export const LAYOUTS = ['12lead', 'stacked', 'lead-channels'] as const;
export type Layout = (typeof LAYOUTS)[number];
export const GRID_STYLES = ['auto', 'full', 'major', 'none'] as const;
export type GridStyle = (typeof GRID_STYLES)[number];

/** Pixels on each side when the options do not say (the classifier input of the paper). */
export const DEFAULT_IMAGE_SIZE = 224;
/** Planes of `lead-channels`: one per standard lead (I, II, III, aVR, aVL, aVF, V1-V6; ecg/types STANDARD_LEADS). */
export const LEAD_PLANES = 12;
/** Largest side a render option may ask for: far above any model's input, far below an allocation failure. */
export const MAX_IMAGE_SIDE = 8192;

/** The options that decide a render's planes (see RenderOptions in src/ecg/render.ts). */
export interface PlaneOptions { layout?: Layout; rhythmPlane?: boolean; channels?: number }

/** Image planes of a tensor render: 12 for `lead-channels` (13 with the rhythm plane), else `channels` (3 RGB or 1 luminance). */
export function tensorChannels(opts: PlaneOptions): number {
  if ((opts.layout ?? '12lead') !== 'lead-channels') return opts.channels ?? 3;
  const planes = LEAD_PLANES + (opts.rhythmPlane ? 1 : 0);
  if (opts.channels !== undefined && opts.channels !== planes) {
    throw new Error(`layout lead-channels${opts.rhythmPlane ? ' with the rhythm plane' : ''} renders ${planes} planes, not channels: ${opts.channels}`);
  }
  return planes;
}

type Check = (v: unknown) => boolean;
const positive: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const side: Check = (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_IMAGE_SIDE;
const flag: Check = (v) => typeof v === 'boolean';
/** What each render option accepts, said the way a message says it. */
const OPTION_RULES: Record<string, [Check, string]> = {
  layout: [(v) => LAYOUTS.includes(v as Layout), `one of ${LAYOUTS.join(', ')}`],
  width: [side, `an integer from 1 to ${MAX_IMAGE_SIDE}`],
  height: [side, `an integer from 1 to ${MAX_IMAGE_SIDE}`],
  channels: [(v) => Number.isInteger(v) && (v as number) > 0, 'a positive integer'],
  grid: [(v) => GRID_STYLES.includes(v as GridStyle), `one of ${GRID_STYLES.join(', ')}`],
  lineWidth: [(v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a finite number ≥ 0'],
  seconds: [positive, 'a positive finite number'],
  gain: [positive, 'a positive finite number'],
  speed: [positive, 'a positive finite number'],
  leadSpanMv: [positive, 'a positive finite number'],
  labels: [flag, 'true or false'],
  calibration: [flag, 'true or false'],
  removeBaseline: [flag, 'true or false'],
  rhythmPlane: [flag, 'true or false'],
};

const show = (v: unknown) => (v === null ? 'null (JSON writes NaN and Infinity as null)' : JSON.stringify(v)?.slice(0, 40) ?? String(v));

/** The input a network takes: planes, height, width. */
export interface NetworkInput { channels: number; height: number; width: number }

/**
 * What is wrong with a model file's render options, for a network taking `input` (undefined: nothing):
 * a value a renderer cannot draw with, or an image of another size or plane count than the network takes.
 */
export function renderOptionsProblem(render: Record<string, unknown>, input: NetworkInput): string | undefined {
  for (const [key, [ok, want]] of Object.entries(OPTION_RULES)) {
    if (key in render && !ok(render[key])) return `input.render.${key} must be ${want}, got ${show(render[key])}`;
  }
  const layout = (render.layout as Layout | undefined) ?? '12lead';
  let planes: number;
  try {
    planes = tensorChannels(render as PlaneOptions);
  } catch (e) {
    return `input.render: ${(e as Error).message}`;
  }
  if (layout !== 'lead-channels' && planes !== 1 && planes !== 3) return `input.render.channels must be 1 (luminance) or 3 (RGB) for layout ${layout}, got ${planes}`;
  const width = (render.width as number | undefined) ?? DEFAULT_IMAGE_SIZE, height = (render.height as number | undefined) ?? DEFAULT_IMAGE_SIZE;
  if (height === input.height && width === input.width && planes === input.channels) return undefined;
  return `its render options draw ${planes}×${height}×${width} images but the network takes ${input.channels}×${input.height}×${input.width}`;
}
