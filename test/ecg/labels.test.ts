import { describe, expect, it } from 'vitest';
import {
  classesOf, classesOfStrict, DEFAULT_PRIORITY, interpretDx, parsePriority, primaryClass,
} from '../../src/ecg/labels.js';
import { CLASS_NAMES, EcgInputError } from '../../src/ecg/types.js';

describe('classesOf', () => {
  it('maps every SNOMED CT code of the 10 classes', () => {
    const table: [string, number][] = [
      ['426783006', 0], ['427084000', 1], ['426177001', 2], ['164909002', 3], ['733534002', 3],
      ['59118001', 4], ['713427006', 4], ['164873001', 5], ['89792004', 6], ['164931005', 7],
      ['429622005', 8], ['284470004', 9], ['63593006', 9], ['17338001', 9], ['427172004', 9],
    ];
    for (const [code, cls] of table) expect(classesOf([code])).toEqual([cls]);
  });

  it('accepts the abbreviations of early Challenge files, case-insensitively', () => {
    expect(classesOf(['Normal'])).toEqual([0]);
    expect(classesOf(['RBBB'])).toEqual([4]);
    expect(classesOf(['lbbb'])).toEqual([3]);
    expect(classesOf(['STE'])).toEqual([7]);
    expect(classesOf(['STD'])).toEqual([8]);
    expect(classesOf(['PVC'])).toEqual([9]);
    expect(classesOf(['PAC'])).toEqual([9]);
    expect(classesOf(['AF'])).toEqual([]);
    expect(classesOf(['AF', 'RBBB'])).toEqual([4]);
    expect(classesOf(['I-AVB'])).toEqual([]);
  });

  it('is multi-label, sorted and without duplicates', () => {
    expect(classesOf(['59118001', '427084000', '713427006', ' 426783006 '])).toEqual([0, 1, 4]);
    expect(classesOf([])).toEqual([]);
  });

  it('keeps codes outside the classes and unknown entries apart', () => {
    expect(interpretDx(['164889003', 'RBBB', 'XYZ', '426783006'])).toEqual({
      classes: [0, 4],
      codes: ['164889003', '59118001', '426783006'],
      otherCodes: ['164889003'],
      unknown: ['XYZ'],
    });
  });

  it('classesOfStrict names the file and the unknown entry', () => {
    expect(classesOfStrict(['AF', 'STE'], 'a.hea')).toEqual([7]);
    expect(() => classesOfStrict(['Normal', 'Bogus'], 'dir/a.hea')).toThrow(EcgInputError);
    expect(() => classesOfStrict(['Normal', 'Bogus'], 'dir/a.hea')).toThrow("dir/a.hea: unknown diagnosis 'Bogus'");
  });
});

describe('primaryClass', () => {
  it('follows the default priority ST elevation > ST depression > LBBB > RBBB > RVH > LVH > ectopy > tachy > brady > sinus', () => {
    expect(DEFAULT_PRIORITY).toEqual([7, 8, 3, 4, 6, 5, 9, 1, 2, 0]);
    expect(primaryClass([0, 1, 4])).toBe(4);
    expect(primaryClass([0, 7, 8])).toBe(7);
    expect(primaryClass([0, 2])).toBe(2);
    expect(primaryClass([1, 9])).toBe(9);
    expect(primaryClass([5, 6])).toBe(6);
    expect(primaryClass([0])).toBe(0);
    expect(primaryClass([])).toBeUndefined();
  });

  it('takes a custom priority; classes left out of it are never chosen', () => {
    expect(primaryClass([0, 4], [0, 4])).toBe(0);
    expect(primaryClass([4], [0, 1])).toBeUndefined();
  });

  it('parsePriority reads ids, class names and abbreviations', () => {
    expect(parsePriority('STE,std, LBBB,4,RVH')).toEqual([7, 8, 3, 4, 6]);
    expect(parsePriority(CLASS_NAMES.join(','))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => parsePriority('STE,nope')).toThrow(/unknown class 'nope'/);
    expect(() => parsePriority('1,1')).toThrow(/twice/);
  });
});
