/**
 * True when the client asked for CSV (`Accept: text/csv`), the regulator-friendly format.
 * `text/csv;q=0` says CSV is not acceptable (RFC 9110 §12.4.2), so it does not count.
 */
export const acceptsCsv = (accept: string | undefined): boolean =>
  (accept ?? '').split(',').some((part) => {
    const [type, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    return type === 'text/csv' && !params.some((p) => /^q\s*=\s*0(\.0{0,3})?$/.test(p));
  });

export const CSV_TYPE = 'text/csv; charset=utf-8';
