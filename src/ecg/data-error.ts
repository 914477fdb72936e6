/** A dataset input that cannot be used (a data folder, a split file, a phrase table): names it and the problem. */
export class DataError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DataError';
  }
}
