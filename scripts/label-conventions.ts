/**
 * `npm run label-conventions`: how each source database in ../shared/data (or ECGPU_SHARED_DATA) labels
 * the same measured situation (src/train/eval/label-conventions.ts). Every real record is read, checked
 * as the classifier checks it and measured; the table goes to stdout as Markdown (docs/real-records.md
 * quotes it). Records the classifier refuses are left out and counted.
 */
import { join } from 'node:path';
import { measureRecord } from '../src/ecg/measurements.js';
import { readableTwelveLead, UnreadableRecordError } from '../src/ecg/quality.js';
import { readRecord } from '../src/ecg/read-record.js';
import { listRealRecords, SOURCE_GROUPS } from '../src/ecg/sources.js';
import { conventionsMarkdown, labelConventions, type ConventionRecord } from '../src/train/eval/label-conventions.js';

const shared = process.env.ECGPU_SHARED_DATA ?? join('..', 'shared', 'data');
const records = listRealRecords(shared);
if (!records.length) {
  console.error(`label-conventions: no real records under ${shared} (expected real-ecg/, ludb/, ptb-xl/; set ECGPU_SHARED_DATA)`);
  process.exit(7);
}
const measured: ConventionRecord[] = [];
let refused = 0;
for (const r of records) {
  try {
    const readable = readableTwelveLead(readRecord(r.path));
    measured.push({
      source: r.source, classes: r.classes, features: measureRecord(readable.record).features,
      leadsNormalised: readable.plausibility?.perLeadNormalisedMv !== undefined,
    });
  } catch (e) {
    if (!(e instanceof UnreadableRecordError)) throw e;
    refused++;
  }
}
console.log(conventionsMarkdown(labelConventions(measured), SOURCE_GROUPS));
console.log(`\n${measured.length} records measured, ${refused} refused by the classifier's checks (${shared}).`);
