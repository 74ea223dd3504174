// A small RFC 4180 reader: comma-separated, double-quoted fields may hold commas, newlines and ""
// (an escaped quote); CRLF or LF line ends; a leading UTF-8 BOM is dropped; blank lines are skipped.

/** Rows of fields; `line` is the 1-based line where each row starts (for error messages). */
export interface CsvRow {
  fields: string[];
  line: number;
}

export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let field = '';
  let fields: string[] = [];
  let rowLine = 1;
  let quoted = false;
  let touched = false;
  const endRow = () => {
    if (touched) {
      fields.push(field);
      if (fields.some((f) => f.trim() !== '')) rows.push({ fields, line: rowLine });
    }
    fields = [];
    field = '';
    touched = false;
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
      touched = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      touched = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += ch;
      touched = true;
    }
  }
  if (quoted) throw new Error(`unterminated quoted field starting on line ${rowLine}`);
  endRow();
  return rows;
}
