/**
 * The plausibility gate (src/ecg/plausibility.ts, run by quality.ts's readableTwelveLead): each kind of
 * broken record a user produces by mistake, built from a bundled demo sample or a synthetic record
 * written to disk and read back, is refused or repaired with a warning that names its check and its
 * numbers; the valid record passes unchanged; real records (../shared/data, skipped when absent) pass.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPlausibility, LIMB_RESIDUAL_MAX, measurePlausibility, MIN_BEAT_COHERENCE } from '../../src/ecg/plausibility.js';
import { readableTwelveLead, UnreadableRecordError } from '../../src/ecg/quality.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { STANDARD_LEADS, type EcgRecord } from '../../src/ecg/types.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { BROKEN_VARIANTS } from '../../src/ecg/broken-records.js';
import { tempDir } from './wfdb-fixtures.js';

const samples = fileURLToPath(new URL('../../web/demo/samples', import.meta.url));
const shared = fileURLToPath(new URL('../../../shared/data', import.meta.url));
const dir = tempDir('ecgpu-gate-');

/** A demo sample's header with `edit` applied to its text, beside a copy of its signal file; read back. */
function editedSample(name: string, edit: (hea: string) => string, as = `${name}-${Math.random().toString(36).slice(2, 8)}`): EcgRecord {
  const hea = readFileSync(join(samples, `${name}.hea`), 'utf8').replaceAll(`${name}.mat`, `${as}.mat`).replace(new RegExp(`^${name} `), `${as} `);
  writeFileSync(join(dir, `${as}.hea`), edit(hea));
  copyFileSync(join(samples, `${name}.mat`), join(dir, `${as}.mat`));
  return readRecord(join(dir, `${as}.hea`), { digital: false });
}
/** Every signal line's gain field replaced. */
const gain = (g: string) => (hea: string) => hea.replace(/ 1000\/mV /g, ` ${g} `);
const signalLines = (hea: string) => hea.split('\n').filter((l) => /\.mat /.test(l));

function refusal(rec: EcgRecord): string {
  try { readableTwelveLead(rec); } catch (e) { expect(e).toBeInstanceOf(UnreadableRecordError); return (e as Error).message; }
  throw new Error('expected a refusal');
}
/** Warnings the gate added (the reader's own header warnings excluded). */
function gateWarnings(rec: EcgRecord): string[] {
  const r = readableTwelveLead(rec);
  return r.warnings.filter((w) => !(rec.header.warnings ?? []).includes(w));
}
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
/** The numbers in a message: every check must give its evidence. */
const numbers = (m: string) => (m.match(/-?\d+(\.\d+)?/g) ?? []).length;

const valid = readRecord(join(samples, 'sample-0.hea'), { digital: false });

describe('a valid record', () => {
  it.each(Array.from({ length: 10 }, (_, i) => `sample-${i}`))('demo %s passes unchanged, without a warning', (name) => {
    const rec = readRecord(join(samples, `${name}.hea`), { digital: false });
    const r = readableTwelveLead(rec);
    expect(r.warnings).toEqual([]);
    r.record.signals.forEach((s, k) => expect(s).toBe(rec.signals[k]));
  });

  it('synthetic records of every class at 250, 500 and 1000 Hz pass', () => {
    for (const fs of [250, 500, 1000]) for (let cls = 0; cls < 10; cls++) {
      const rec = generateRecord(cls, 100 + cls, { fs });
      expect(() => readableTwelveLead(rec), `class ${cls} at ${fs} Hz`).not.toThrow();
      expect(gateWarnings(rec), `class ${cls} at ${fs} Hz`).toEqual([]);
    }
  });
});

describe('training data', () => {
  it('synthetic records (the training set\'s generator, whose leads carry their own noise): 100 of 100 pass the gate', () => {
    const refused: string[] = [];
    for (let cls = 0; cls < 10; cls++) for (let seed = 0; seed < 10; seed++) {
      try { readableTwelveLead(generateRecord(cls, 7000 + 13 * seed)); } catch (e) { refused.push((e as Error).message); }
    }
    expect(refused).toEqual([]);
  });
});

describe('amplitude and gain', () => {
  it('µV samples under a header gain of 1/mV (×1000): rescaled by 1/1000, the warning names the amplitude and the gain', () => {
    const rec = editedSample('sample-0', gain('1/mV'));
    const [w] = gateWarnings(rec);
    expect(w).toMatch(/^amplitude check: median QRS peak-to-peak \d+ mV over the 12 leads .*header gain 1 adu\/mV.*1000 times above.*rescaled by 1\/1000 \(\d\.\d+ mV\)/);
    const r = readableTwelveLead(rec);
    r.record.signals.forEach((s, k) => expect(maxDiff(s, valid.signals[k])).toBeLessThan(1e-3));
  });

  it('gain 0 in the header: the reader says so, and the gate refuses the ×5 amplitudes with the numbers', () => {
    const rec = editedSample('sample-0', gain('0/mV'));
    expect(rec.header.warnings?.join()).toMatch(/gain 0 or none in the header \(uncalibrated\); read with WFDB's default 200 adu\/mV/);
    expect(rec.header.signals.every((s) => s.uncalibrated && s.gain === 200)).toBe(true);
    expect(refusal(rec)).toMatch(/gain check: the header gives gain 0 \(uncalibrated\) for every lead.*median QRS peak-to-peak \d\.\d+ mV.*outside 0\.15-2\.5 mV/);
  });

  it('gain 0 on data that happens to be digitised at 200/mV: passes with a warning that the gain is a guess', () => {
    const rec = editedSample('sample-0', (h) => gain('0/mV')(h));
    const honest: EcgRecord = { ...rec, signals: rec.signals.map((s) => s.map((v) => v / 5)) };
    const [w] = gateWarnings(honest);
    expect(w).toMatch(/^gain check: .*gain 0 \(uncalibrated\).*median QRS peak-to-peak \d\.\d+ mV .*looks physiological/);
  });

  it('a plain wrong gain (a fifth of the true one): refused by the amplitude range', () => {
    const m = refusal(editedSample('sample-0', gain('200/mV')));
    expect(m).toMatch(/amplitude check: median QRS peak-to-peak \d\.\d+ mV over the 12 leads \(largest \d+\.\d+ mV, lead \w+\) \(header gain 200 adu\/mV\) is outside 0\.08-4\.5 mV/);
  });

  it('a negative gain on every lead: re-inverted, the warning names the gain and the QRS polarities', () => {
    const rec = editedSample('sample-0', gain('-1000/mV'));
    const [w] = gateWarnings(rec);
    expect(w).toMatch(/^polarity check: every lead has a negative header gain \(-1000 adu\/mV\).*aVR \d\.\d+, II -\d\.\d+.*inverted back/);
    const r = readableTwelveLead(rec);
    r.record.signals.forEach((s, k) => expect(maxDiff(s, valid.signals[k])).toBeLessThan(1e-6));
  });
});

describe('limb leads consistent with each other', () => {
  it('I and II swapped (names exchanged in the header): refused by Einthoven, naming the swap and the residual', () => {
    const rec = editedSample('sample-0', (h) => h.replace(/ 0 I\n/, ' 0 TMP\n').replace(/ 0 II\n/, ' 0 I\n').replace(/ 0 TMP\n/, ' 0 II\n'));
    expect(signalLines(readFileSync(join(dir, `${rec.header.name}.hea`), 'utf8'))[0]).toMatch(/ II$/);
    expect(refusal(rec)).toMatch(/lead consistency check \(Einthoven\/Goldberger\): .* is off by \d+% of the leads' RMS \(real records ≤ 35%\): consistent if leads I and II are swapped/);
  });

  it('one lead inverted: refused, naming the lead', () => {
    expect(refusal(BROKEN_VARIANTS['inverted-II'](valid))).toMatch(/lead consistency check .*off by \d+%.*consistent if lead II is inverted/);
    const aVL = valid.signals.map((s, k) => (k === 4 ? s.map((v) => -v) : s));
    expect(refusal({ ...valid, signals: aVL })).toMatch(/aVL − \(I − II\/2\) is off by \d+%.*consistent if lead aVL is inverted/);
  });

  it('swaps among the recorded augmented leads are named too', () => {
    const s = [...valid.signals];
    [s[3], s[5]] = [s[5], s[3]];
    expect(refusal({ ...valid, signals: s })).toMatch(/consistent if leads aVR and aVF are swapped/);
  });

  it('right and left arm electrodes reversed (Einthoven still holds): a polarity warning with the numbers', () => {
    const w = gateWarnings(BROKEN_VARIANTS['arm-reversal'](valid));
    expect(w.join()).toMatch(/polarity check: .*aVR \d\.\d+, II -?\d\.\d+, I -\d\.\d+.*arm electrodes reversed/);
  });

  it('leads I and II flat: refused, naming both and their peak-to-peak, whether or not the other limb leads are recorded', () => {
    expect(refusal(BROKEN_VARIANTS['flat-I-II'](valid))).toMatch(/leads I and II cannot be read \(I flat \(peak-to-peak 0\.0 µV\); II flat \(peak-to-peak 0\.0 µV\)\)/);
    const eight: EcgRecord = { ...valid, leads: valid.leads.filter((_, k) => k < 2 || k > 5), signals: BROKEN_VARIANTS['flat-I-II'](valid).signals.filter((_, k) => k < 2 || k > 5) };
    expect(refusal(eight)).toMatch(/6 of 12 leads cannot be read: I flat \(peak-to-peak 0\.0 µV\); II flat .*; III,aVR,aVL,aVF derived from I, which is flat/);
  });

  it('lead I alone flat in an 8-lead record: the four leads derived from it count as unreadable too', () => {
    const s = valid.signals.filter((_, k) => k < 2 || k > 5);
    s[0] = new Float32Array(s[0].length);
    const eight: EcgRecord = { ...valid, leads: valid.leads.filter((_, k) => k < 2 || k > 5), signals: s };
    expect(refusal(eight)).toMatch(/5 of 12 leads cannot be read: I flat .*III,aVR,aVL,aVF derived from I, which is flat/);
  });
});

describe('a QRS found consistently, at a plausible rate for the stated sampling rate', () => {
  it('Gaussian noise on 12 correctly named leads: refused by the QRS consistency check with the correlation', () => {
    const m = refusal(BROKEN_VARIANTS.noise(valid));
    expect(m).toMatch(/QRS consistency check: the \d+ beats found are not alike from beat to beat \(median beat-to-template correlation 0\.\d+ over the leads; real ECGs ≥ 0\.\d+\)/);
    const c = Number(/correlation (\d\.\d+)/.exec(m)![1]);
    expect(c).toBeLessThan(MIN_BEAT_COHERENCE);
  });

  it('noise on every lead of several seeds and rates: always refused', () => {
    for (const fs of [250, 500, 1000]) for (const seed of [1, 2, 3]) {
      const rec = generateRecord(0, seed, { fs });
      expect(refusal(BROKEN_VARIANTS.noise({ ...rec, source: `noise-${fs}-${seed}` }))).toMatch(/QRS consistency check|sampling-rate check/);
    }
  });

  it('a 500 Hz record whose header says 1000 Hz: refused, naming the heart rate and the QRS width at the stated rate', () => {
    const rec = editedSample('sample-0', (h) => h.replace(/^(\S+ 12) 500 /, '$1 1000 '));
    expect(rec.fs).toBe(1000);
    expect(refusal(rec)).toMatch(/sampling-rate check: at the stated 1000 Hz the heart rate is \d+ bpm and the QRS \d+ ms wide .*looks higher than the recording's/);
  });

  it('a 1000 Hz record called 250 Hz: refused; called 500 Hz: refused or warned, naming the rate and the QRS width', () => {
    // Classes 0, 2, 4 (normal, bradycardia, RBBB). A sinus tachycardia at 110 bpm called 500 Hz reads as a normal
    // 55 bpm record with a 104 ms QRS: nothing in rate and width tells them apart (docs/plausibility.md).
    for (const cls of [0, 2, 4]) {
      const rec = generateRecord(cls, 31 + cls, { fs: 1000 });
      const file = writeRecord(dir, rec, `fast-${cls}`);
      const text = readFileSync(file, 'utf8');
      for (const stated of [500, 250]) {
        writeFileSync(file, text.replace(/^(\S+ 12) 1000 /, `$1 ${stated} `));
        const wrong = readRecord(file, { digital: false });
        expect(wrong.fs).toBe(stated);
        if (stated === 250) {
          // The model's 10 s window holds 2.5 s of the recording: a refusal, by whichever check sees it first.
          expect(refusal(wrong), `class ${cls} called 250 Hz`).toMatch(/(sampling-rate|lead consistency|QRS consistency) check\b.*\d/);
          continue;
        }
        let message: string;
        try { message = readableTwelveLead(wrong).warnings.join(' | '); } catch (e) { message = (e as Error).message; }
        expect(message, `class ${cls} called ${stated} Hz`).toMatch(new RegExp(`sampling-rate check: at the stated ${stated} Hz the heart rate is \\d+ bpm (and the|with a) QRS \\d+ ms wide`));
      }
    }
  });

  it('a very wide QRS at a normal rate (the generator\'s widest LBBBs, 210-222 ms at 61-69 bpm) is warned about, not refused', () => {
    // Records 73 and 90 of class 3 in npm start's independent test set (seed 1001), 91 in seed 2001's: once refused, which stopped npm start.
    for (const [seed, i] of [[1001, 73], [1001, 90], [2001, 91]]) {
      const r = readableTwelveLead(generateRecord(3, (Math.imul(seed, 1000003) + i) >>> 0));
      expect(r.warnings.join(' | '), `seed ${seed}, record ${i}`).toMatch(/sampling-rate check: at the stated 500 Hz the heart rate is \d+ bpm with a QRS 2\d\d ms wide \(rate-to-width balance -2\.\d+, below the real records' -2\.7\): a very wide QRS, or a header stating half/);
    }
  });

  it('a record at the rate its header states is not judged by the other rates', () => {
    for (const fs of [250, 1000]) {
      const s = measurePlausibility(generateRecord(2, 5, { fs }).signals, STANDARD_LEADS.map(() => true), fs);
      expect(s.rateBpm).toBeGreaterThan(30);
      expect(s.rateBpm).toBeLessThan(70);
    }
  });
});

describe('every verdict carries its numbers', () => {
  it.each(Object.keys(BROKEN_VARIANTS))('%s on demo sample-0: refused or warned, by a named check, with numbers', (name) => {
    const rec = BROKEN_VARIANTS[name](valid);
    let message: string;
    try { message = readableTwelveLead(rec).warnings.join(' | '); } catch (e) { expect(e).toBeInstanceOf(UnreadableRecordError); message = (e as Error).message; }
    expect(message).toMatch(/check|cannot be read/);
    expect(numbers(message)).toBeGreaterThanOrEqual(2);
  });

  it('checkPlausibility alone: derived leads are never held against the leads they come from', () => {
    const rec = generateRecord(0, 3);
    const v = checkPlausibility(rec.signals.map((signal, k) => ({ signal, recorded: k < 2 || k > 5 })), rec.fs);
    expect(v.refusal).toBeUndefined();
    expect(v.stats.limbResidual).toBeUndefined();
    expect(LIMB_RESIDUAL_MAX).toBeLessThan(1);
  });
});

describe.skipIf(!existsSync(shared))('real records (../shared/data)', () => {
  // Every 25th record of each group (the full measurement is `npm run plausibility-survey`, docs/plausibility.md).
  const pick = (group: string, files: string[]) => files.filter((_, i) => i % 25 === 0).map((f) => join(shared, group, f));
  const lines = (group: string) => readFileSync(join(shared, group, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  it('a sample of CPSC/Chapman/PTB-XL (real-ecg) and LUDB records: none refused by the gate', () => {
    const files = [...pick('real-ecg', lines('real-ecg').map((r) => r[1]).filter((f) => f.endsWith('.hea'))), ...pick('ludb', lines('ludb').map((r) => r[1]))];
    expect(files.length).toBeGreaterThan(10);
    const refused: string[] = [];
    for (const f of files) {
      const rec = readRecord(f, { digital: false });
      try { readableTwelveLead(rec); } catch (e) { refused.push((e as Error).message); }
    }
    expect(refused).toEqual([]);
  });

  it('LUDB: the header gains break Einthoven while the ADC values obey it — a warning, not a refusal', () => {
    const rec = readRecord(join(shared, 'ludb', '1.hea'), { digital: false });
    expect(gateWarnings(rec).join()).toMatch(/gain consistency check: I \+ III − II is off by \d+% .*\d+ different, \d+-\d+ adu\/mV\) but by [01]% in ADC units/);
    // and why: every lead's gain is its own ADC range, so every lead spans 1 mV and voltages cannot be read
    expect(gateWarnings(rec).join()).toMatch(/every lead spans exactly 1\.000 mV peak-to-peak .* voltage findings \(LVH, RVH, ST elevation\/depression\) cannot be read/);
  });
  it('LUDB 103: normalised per lead though its gains leave Einthoven within the limit — the same warning on its own', () => {
    const rec = readRecord(join(shared, 'ludb', '103.hea'), { digital: false });
    const warnings = gateWarnings(rec).join();
    expect(warnings).not.toMatch(/gain consistency check/);
    expect(warnings).toMatch(/gain check: every lead spans exactly 1\.000 mV peak-to-peak .* voltage findings \(LVH, RVH, ST elevation\/depression\) cannot be read/);
  });
  it('a CPSC record with real per-lead amplitudes is not taken for a normalised one', () => {
    const rec = readRecord(join(shared, 'real-ecg', 'A0001.hea'), { digital: false });
    expect(gateWarnings(rec).join()).not.toMatch(/peak-to-peak/);
  });
});
