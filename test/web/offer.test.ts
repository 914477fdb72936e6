import { describe, expect, it } from 'vitest';
import { OFFER_SECONDS, offerRun } from '../../web/demo/offer.js';

describe('the Train page\'s offer after a run', () => {
  it('offers nothing where the run just made already fills the time (SwiftShader)', () => {
    // 20 records × 10 classes × 12 epochs = 2400 images; at 11 images/s, 150 s holds 1650.
    expect(offerRun(11, 20, 12, 10)).toBeUndefined();
  });
  it('on a faster device, doubles the epochs first, then adds records, within the time', () => {
    const o = offerRun(200, 20, 12, 10)!;
    expect(o.epochs).toBe(24);
    expect(o.perClass).toBeGreaterThan(20);
    expect(o.perClass * 10 * o.epochs).toBeLessThanOrEqual(200 * OFFER_SECONDS);
  });
  it('stays within the form\'s limits on a very fast device', () => {
    expect(offerRun(1e6, 20, 12, 10)).toEqual({ perClass: 200, epochs: 24 });
  });
});
