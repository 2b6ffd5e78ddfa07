/** Folder or file names that declare a split, and the split they name. */
const SPLIT_NAMES: Record<string, string> = {
  train: 'train',
  training: 'train',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  dev: 'validation',
  test: 'test',
  testing: 'test',
};

/**
 * The split a file belongs to by its path: a first folder (`train/…`) or a file name
 * (`train.csv`, `test.parquet`) that names one; null otherwise.
 */
export function splitOf(path: string): string | null {
  const segments = path.split('/');
  if (segments.length > 1) {
    const folder = SPLIT_NAMES[segments[0]!.toLowerCase()];
    if (folder) return folder;
  }
  const stem = segments.at(-1)!.toLowerCase().split('.')[0]!;
  return SPLIT_NAMES[stem] ?? null;
}
