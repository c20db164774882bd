// Plain-text tables for the terminal: a header and rows, columns padded to their widest cell,
// text left-aligned and numbers right-aligned.

export interface Column<Row> {
  header: string;
  cell: (row: Row) => string;
  /** @default 'right' */
  align?: 'left' | 'right';
}

export function textTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string[] {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((v, i) =>
        (columns[i]?.align ?? 'right') === 'left'
          ? v.padEnd(widths[i] ?? 0)
          : v.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

/** An integer with thousands separators: 12345 -> "12,345". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Money with two decimals and a sign when negative: -1234.5 -> "-1,234.50". */
export function formatMoney(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
