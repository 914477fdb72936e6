/** Which files of a folder tree batch scoring takes as records (src/ecg/record-walk.ts). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkRecords } from '../../src/ecg/record-walk.js';

describe('walkRecords', () => {
  it('headers, 12-column CSVs and signal files no header names, recursively; tables and hidden folders passed over', () => {
    const root = mkdtempSync(join(tmpdir(), 'ecgpu-walk-'));
    const put = (path: string, text = '') => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put('X.hea', 'X 1 500 5000\nXsig.dat 16 200 16 0 0 0 0 II\n'); // names a signal file of another name
    put('Xsig.dat');
    put('Y.dat'); // no header names it
    put('Z.mat');
    put('Z.hea', 'Z 1 500 5000\nZ.mat 16+24 200 16 0 0 0 0 II\n');
    put('chapman.csv', 'I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6\n1,2,3,4,5,6,7,8,9,10,11,12\n');
    put('numbers.csv', '1,2,3,4,5,6,7,8,9,10,11,12\n');
    put('ptbxl_database.csv', 'ecg_id,patient_id,scp_codes\n1,2,x\n');
    put('Diagnostics.csv', 'FileName,Rhythm,Beat,PatientAge,Gender,VentricularRate,AtrialRate,QRSDuration,QTInterval,QTCorrected,RAxis,TAxis\n');
    put('W.hea', 'W 1 500 5000\nW.dat 16 200 16 0 0 0 0 II\n');
    put('W.csv', '1,2,3,4,5,6,7,8,9,10,11,12\n'); // a CSV beside a header of its name is not a second record
    put('README.md', '# data');
    put('records500/00000/00001_hr.hea', 'x');
    put('records500/00000/00001_hr.dat');
    put('records500/00001/00002_hr.hea', 'x');
    put('.hidden/H.hea', 'x');
    const found = [...walkRecords(root)].map((p) => relative(root, p));
    expect(found).toEqual(['W.hea', 'X.hea', 'Y.dat', 'Z.hea', 'chapman.csv', 'numbers.csv',
      'records500/00000/00001_hr.hea', 'records500/00001/00002_hr.hea']);
  });
});
