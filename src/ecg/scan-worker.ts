/**
 * worker_threads entry for scanRecords: reads the headers of the files it is sent (an array of
 * paths) and answers with one ScanEntry per path. Also usable in-process through scanFiles().
 */
import { parentPort } from 'node:worker_threads';
import type { PhraseTable } from './label-phrases.js';
import { scanFiles } from './scan-files.js';

parentPort?.on('message', (msg: { id: number; paths: string[]; phrases?: PhraseTable }) => {
  parentPort!.postMessage({ id: msg.id, entries: scanFiles(msg.paths, msg.phrases) });
});
