/** One problem in the dataset, located precisely enough to fix it without searching. */
export interface DatasetIssue {
  file: string;
  recordId: string | null;
  field: string;
  message: string;
}

export class DatasetError extends Error {
  constructor(readonly issues: DatasetIssue[]) {
    super(`The dataset is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` + issues.map(formatIssue).join('\n'));
    this.name = 'DatasetError';
  }
}

export function formatIssue(i: DatasetIssue): string {
  const where = i.recordId ? `record "${i.recordId}"` : 'file';
  return `  ${i.file}: ${where}: field "${i.field}": ${i.message}`;
}
