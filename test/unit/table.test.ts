// The one text-table helper every terminal table goes through: widths from the widest cell,
// right-aligned counts, colour codes not counted, no padding at the end of a line.
import test from 'ava';
import { columnWidths, formatTable, pad, tableLines, visibleLength } from '../../harness/core/table.js';

const green = (s: string) => `\x1b[32m${s}\x1b[0m`;

test('each column is as wide as its widest cell, two spaces apart, and lines do not end in padding', (t) => {
  const text = formatTable([
    ['name', 'packets', 'note'],
    ['a', '3', 'first'],
    ['longer-name', '1234', ''],
  ]);
  t.is(text, ['name         packets  note', 'a            3        first', 'longer-name  1234'].join('\n'));
});

test('right-aligned columns, a rule under the header, an indent and another gap', (t) => {
  const lines = tableLines(
    [
      ['src', 'bytes'],
      ['10.0.0.1', '12'],
      ['10.0.0.22', '1,500'],
    ],
    { align: ['left', 'right'], rule: true, indent: '  ', gap: ' | ' },
  );
  t.deepEqual(lines, ['  src       | bytes', '  --------- | -----', '  10.0.0.1  |    12', '  10.0.0.22 | 1,500']);
});

test('colour codes take no width: a coloured cell lines up with plain ones', (t) => {
  t.is(visibleLength(green('PASS')), 4);
  t.is(pad(green('ok'), 4), `${green('ok')}  `);
  t.is(pad('7', 3, 'right'), '  7');
  t.is(pad('toolong', 3), 'toolong', 'never cut');
  const lines = tableLines([
    [green('PASS'), 'x'],
    ['XFAIL', 'y'],
  ]);
  t.deepEqual(lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')), ['PASS   x', 'XFAIL  y']);
});

test('maxWidth: a long cell overflows its own row instead of widening the column', (t) => {
  const rows = [
    ['status', 'verdict', 'wall'],
    ['error', 'x'.repeat(30), '1 s'],
    ['passed', 'ok', '2 s'],
  ];
  t.deepEqual(columnWidths(rows, 10), [6, 10, 4]);
  t.deepEqual(tableLines(rows, { maxWidth: 10 }), ['status  verdict     wall', `error   ${'x'.repeat(30)}  1 s`, 'passed  ok          2 s']);
});

test('rows may be shorter than the header, and an empty table is no lines', (t) => {
  t.deepEqual(tableLines([['a', 'b', 'c'], ['1']]), ['a  b  c', '1']);
  t.deepEqual(tableLines([], { rule: true }), []);
});
