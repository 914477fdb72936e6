/**
 * CSV text → rows of cells, as spreadsheet exports and pandas' `to_csv` write it: a cell in double
 * quotes may hold commas, line breaks and doubled quotes (`""` → `"`). Each row keeps the line it
 * starts on, so a reader can name the row a problem is in. Pure: takes the text, no fs.
 */

export interface CsvRow {
  cells: string[];
  /** 1-based line of the file the row starts on. */
  line: number;
}

export interface CsvParse {
  /** Every row, blank ones included (a blank line is a row of one empty cell). */
  rows: CsvRow[];
  /** The line a quoted cell opened on and never closed (the rest of the file went into that cell). */
  unclosedQuoteLine?: number;
}

export function parseCsv(text: string): CsvParse {
  const rows: CsvRow[] = [];
  let row: string[] = [], cell = '', quoted = false, line = 1, rowLine = 1, quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        cell += ch;
      }
    } else if (ch === '"') { quoted = true; quoteLine = line; }
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      rows.push({ cells: row, line: rowLine });
      row = [];
      rowLine = ++line;
    } else cell += ch;
  }
  row.push(cell);
  if (row.length > 1 || row[0] !== '') rows.push({ cells: row, line: rowLine });
  return { rows, ...(quoted ? { unclosedQuoteLine: quoteLine } : {}) };
}

/** True for a row with nothing in it (a blank line, or only empty cells). */
export const isBlankRow = (cells: readonly string[]) => cells.every((c) => c === '');
