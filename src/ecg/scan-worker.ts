/**
 * worker_threads entry for scanRecords: reads the headers of the files it is sent (an array of
 * paths) and answers with one ScanEntry per path. Also usable in-process through scanFiles().
 */
import { parentPort } from 'node:worker_threads';
import { scanFiles } from './scan-files.js';

parentPort?.on('message', (msg: { id: number; paths: string[] }) => {
  parentPort!.postMessage({ id: msg.id, entries: scanFiles(msg.paths) });
});
