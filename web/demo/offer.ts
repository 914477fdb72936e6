/** The Train page's offer after a run: the largest run this device trains in about the time the defaults take on SwiftShader. */
/** Seconds of training the offered run aims at (both networks at once, as they run). */
export const OFFER_SECONDS = 150;
export const LIMITS = { perClass: [2, 200], epochs: [1, 30] } as const;

/**
 * The run that fits `OFFER_SECONDS` at the measured speed: more epochs first (the defaults are the fewest
 * that learn), then more records per class. Undefined when it would not grow the current run.
 */
export function offerRun(imagesPerSecond: number, perClass: number, epochs: number, classes: number): { perClass: number; epochs: number } | undefined {
  const images = imagesPerSecond * OFFER_SECONDS;
  if (!(images > 1.5 * perClass * classes * epochs)) return undefined;
  const e = Math.min(LIMITS.epochs[1], Math.max(epochs, Math.floor(images / (perClass * classes))), 2 * epochs);
  const p = Math.min(LIMITS.perClass[1], Math.max(perClass, Math.floor(images / (e * classes))));
  return p === perClass && e === epochs ? undefined : { perClass: p, epochs: e };
}
