/** True when the client asked for CSV (`Accept: text/csv`), the regulator-friendly format. */
export const acceptsCsv = (accept: string | undefined): boolean =>
  (accept ?? '')
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase())
    .includes('text/csv');

export const CSV_TYPE = 'text/csv; charset=utf-8';
