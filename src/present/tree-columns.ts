import stringWidth from 'string-width';
import type { TreeRow } from '../core/model/tree-layout.js';
import { lineOf, type BranchInfo, type CheckpointNode, type CheckpointTree } from '../core/model/tree.js';
import { guidePrefix, nodeGlyph, type Glyphs } from './glyphs.js';
import { safeText } from './safe-text.js';
import { formatAgeDays, formatBytes } from './units.js';

/** The columns of the checkpoint tree, in the order they are drawn. */
export type TreeColumn = 'date' | 'age' | 'used' | 'written' | 'label' | 'marks';

const ORDER: readonly TreeColumn[] = ['date', 'age', 'used', 'written', 'label', 'marks'];
/** Always shown: age, space and the label. */
const ALWAYS: readonly TreeColumn[] = ['age', 'used', 'label'];
/**
 * Then, while the label keeps its minimum: the date first (a checkpoint is found by when it was taken), then the
 * marks (without their column they follow the label), then what was written.
 */
const PRIORITY: readonly TreeColumn[] = ['date', 'marks', 'written'];
const HEADER: Record<TreeColumn, string> = { date: 'DATE', age: 'AGE', used: 'USED', written: 'WRITTEN', label: 'LABEL', marks: 'MARKS' };
/** formatBytes is at most 5 characters ("1023K", "99.9M"); an estimated written size has a sign and a `~`. */
const FIXED: Partial<Record<TreeColumn, number>> = { date: 12, age: 4, used: 5, written: 8 };
const RIGHT = new Set<TreeColumn>(['age', 'used', 'written']);
/** Two spaces between columns, one in a narrow pane (the 80-column screen's tree). */
const gapFor = (width: number) => (width < 60 ? 1 : 2);
/** The optional columns give way before the label gets narrower than this; the date only before LABEL_MIN_DATE. */
const LABEL_MIN = 16;
const LABEL_MIN_DATE = 12;
const MARKS_MAX = 16;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Unix seconds as a short local date: "24 Nov 01:11" this year, "24 Nov 2024" before. */
export function shortDate(seconds: number, nowSeconds: number): string {
  const t = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${p(t.getDate())} ${MONTHS[t.getMonth()]}`;
  return t.getFullYear() === new Date(nowSeconds * 1000).getFullYear() ? `${day} ${p(t.getHours())}:${p(t.getMinutes())}` : `${day} ${t.getFullYear()}`;
}

/** Names this console gives checkpoints (a unix time): they say nothing the date column does not. */
export const GENERATED_NAME = /^(?:checkpoint|pre-restore)-\d+(?:-\d+)?$/;

/** A checkpoint or snapshot as a person names it: its label, else its name unless the name is only a time. */
export function checkpointTitle(n: Pick<CheckpointNode, 'label' | 'name'>): string {
  if (n.label) return `"${n.label}"`;
  return GENERATED_NAME.test(n.name) ? '' : n.name;
}

/**
 * A side line titled in words, never by its dataset name (that is in the details): what set it aside (a restore to a
 * checkpoint, the undo of one, a switch to another line; its mark records which) and when, else the checkpoint it
 * grew from. The restore's checkpoint comes from the mark, not from the line's origin: promotes by later restores
 * and switches move origins around, and the title must not change with them.
 */
export function lineTitle(b: BranchInfo, origin: Pick<CheckpointNode, 'label' | 'name' | 'creation'> | undefined, nowSeconds: number): string {
  if (b.originOwner) return `a clone of ${b.origin} (${b.originOwner})`;
  const words = (n: Pick<CheckpointNode, 'label' | 'name' | 'creation'>) => checkpointTitle(n) || `the checkpoint of ${shortDate(n.creation, nowSeconds)}`;
  const at = b.branchedAt !== undefined ? ` at ${shortDate(b.branchedAt, nowSeconds)}` : '';
  const to = b.setAsideTo ? words(b.setAsideTo) : 'a checkpoint deleted since';
  if (b.setAsideBy === 'restore') return `set aside by the restore to ${to}${at}`;
  if (b.setAsideBy === 'undo') return `set aside by the undo of the restore to ${to}${at}`;
  if (b.setAsideBy === 'switch') return `set aside by a switch to another line${at}`;
  // A mark that does not say (written before it did): the checkpoint it grew from, while it still has one.
  const from = origin ? words(origin) : undefined;
  if (b.branchedAt !== undefined) return from ? `set aside by the restore to ${from}${at}` : `set aside${at}`;
  return from ? `branch from ${from}` : `branch ${b.dataset.split('/').pop()}`;
}

/** The title of one of the tree's lines (lineTitle), by its dataset. */
export function branchTitle(tree: CheckpointTree, dataset: string, nowSeconds: number): string {
  const line = lineOf(tree, dataset);
  return line ? lineTitle(line.branch, line.origin, nowSeconds) : dataset;
}

/**
 * Where else a checkpoint exists, compactly (it must fit the 80-column screen's tree): `@pve2`, and with more nodes
 * the first and how many more (`@pve2+2`); the Details pane and the CLI's `tree` name them all.
 */
export function alsoOnMark(nodes: readonly string[]): string {
  if (!nodes.length) return '';
  return `@${nodes[0]}${nodes.length > 1 ? `+${nodes.length - 1}` : ''}`;
}

/** The marks of a checkpoint: held, stateful (a CRIU image), another tool's (sanoid, pve, syncoid...). */
export function nodeMarks(n: CheckpointNode): string {
  if (n.kind === 'now') return '';
  return [n.holds ? 'held' : '', n.image ? 'stateful' : '', n.class === 'foreign' ? (n.foreignSource ?? 'foreign') : ''].filter(Boolean).join(',');
}

/** The marks column's cell: the marks, then where else the checkpoint is (`held @pve2`). */
function marksCell(n: CheckpointNode, alsoOn: AlsoOn): string {
  return [nodeMarks(n), n.kind === 'snapshot' ? alsoOnMark(alsoOn(n)) : ''].filter(Boolean).join(' ');
}

/** The other nodes holding a checkpoint (by guid), for the tree's marks; none by default (a single host). */
export type AlsoOn = (n: CheckpointNode) => readonly string[];
const nowhere: AlsoOn = () => [];

/**
 * What was written since the previous checkpoint: the `written` property where ZFS has it (OpenZFS), else the change
 * of `referenced` from the previous checkpoint on the line, marked `~` (zfs-fuse has no `written`: an estimate).
 */
export function writtenText(tree: CheckpointTree, n: CheckpointNode): string {
  if (n.written !== undefined) return formatBytes(n.written);
  const parent = n.parent ? tree.nodes.get(n.parent) : undefined;
  const delta = n.referenced - (parent?.referenced ?? 0);
  return `${delta < 0 ? '-' : ''}${formatBytes(Math.abs(delta))}~`;
}

/** The label cell: a checkpoint's title, a NOW's place ("you are here", or its line's title), a folded line's size. */
function labelText(tree: CheckpointTree, row: TreeRow, nowSeconds: number, withMarks = false, alsoOn: AlsoOn = nowhere): string {
  const n = row.node;
  const text = n.kind === 'now' ? (n.active ? '<- you are here' : branchTitle(tree, n.dataset, nowSeconds)) : checkpointTitle(n);
  // Without a marks column (a narrow pane) the marks follow the label; where else it is comes first, short and never
  // cut (the label's end is what a narrow pane cuts).
  const marks = withMarks && nodeMarks(n) ? `[${nodeMarks(n)}]` : '';
  const elsewhere = withMarks && n.kind === 'snapshot' ? alsoOnMark(alsoOn(n)) : '';
  return safeText([row.hidden ? `[+${row.hidden} folded]` : '', elsewhere, text, marks].filter(Boolean).join(' '));
}

function cell(tree: CheckpointTree, row: TreeRow, column: TreeColumn, nowSeconds: number, columns: readonly TreeColumn[], alsoOn: AlsoOn): string {
  const first = columns[0];
  const n = row.node;
  switch (column) {
    case 'date':
      return n.kind === 'now' ? 'NOW' : shortDate(n.creation, nowSeconds);
    case 'age':
      // In days, not weeks: without the date column (a narrow pane) "5w 5w 6w" told a month of dailies apart by nothing.
      return n.kind === 'now' ? (first === 'age' ? 'NOW' : '') : formatAgeDays(n.creation, nowSeconds);
    case 'used':
      return formatBytes(n.used);
    case 'written':
      return writtenText(tree, n);
    case 'label':
      return labelText(tree, row, nowSeconds, !columns.includes('marks'), alsoOn);
    case 'marks':
      return safeText(marksCell(n, alsoOn));
  }
}

/** Cuts or pads text to exactly `width` terminal columns (wide characters count twice). */
function fit(text: string, width: number, right = false): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  const pad = ' '.repeat(Math.max(0, width - used));
  return right ? pad + out : out + pad;
}

const widestMemo = new WeakMap<readonly TreeRow[], Map<string, number>>();
/** A number per AlsoOn function: the marks' widths are measured again when where the checkpoints are changes. */
const alsoOnIds = new WeakMap<AlsoOn, number>();
let alsoOnCount = 0;
function alsoOnId(f: AlsoOn): number {
  let id = alsoOnIds.get(f);
  if (id === undefined) alsoOnIds.set(f, (id = ++alsoOnCount));
  return id;
}

/**
 * The widest cell of a column over all the rows, measured once per laid-out rows: a key press redraws the window of
 * rows, and with 10,000 checkpoints measuring every row again on each one cost more than the frame.
 */
function widest(rows: readonly TreeRow[], key: string, measure: (r: TreeRow) => number): number {
  let memo = widestMemo.get(rows);
  if (!memo) widestMemo.set(rows, (memo = new Map()));
  let width = memo.get(key);
  if (width === undefined) memo.set(key, (width = rows.reduce((n, r) => Math.max(n, measure(r)), 0)));
  return width;
}

/** The tree drawn as a table: a header and one line per row, every column aligned whatever the row's depth. */
export interface TreeTable {
  columns: TreeColumn[];
  header: string;
  lines: string[];
}

/**
 * Chooses the columns that fit `width` (priority order: age, used and label always; date, marks and written when
 * there is room) and draws the rows: the graph gutter (as wide as the deepest row's), the node's glyph, a
 * mark (`marked` rows) and the cells. Only the rows from `from` to `to` are drawn (the window); widths come from all.
 */
export function treeTable(
  tree: CheckpointTree,
  rows: readonly TreeRow[],
  opts: { width: number; nowSeconds: number; glyphs: Glyphs; marked?: ReadonlySet<string>; from?: number; to?: number; alsoOn?: AlsoOn },
): TreeTable {
  const { width, nowSeconds, glyphs: g } = opts;
  const alsoOn = opts.alsoOn ?? nowhere;
  const copies = alsoOnId(alsoOn);
  const gutter = widest(rows, `gutter:${g.pipe}`, (r) => stringWidth(guidePrefix(r.guides, g)));
  const gap = gapFor(width);
  // The glyph, the mark column, and in a wide pane a space (in a narrow one the mark column is the separator).
  const lead = gutter + 2 + (gap > 1 ? 1 : 0);
  const marksWidest = Math.min(
    MARKS_MAX,
    widest(rows, `marks:${copies}`, (r) => marksCell(r.node, alsoOn).length),
  );
  const widths: Record<TreeColumn, number> = {
    date: FIXED.date!,
    age: FIXED.age!,
    used: FIXED.used!,
    written: FIXED.written!,
    label: 0,
    marks: marksWidest ? Math.max(HEADER.marks.length, marksWidest) : 0,
  };
  const chosen = new Set<TreeColumn>(ALWAYS);
  // What is left for the label once the chosen columns are drawn.
  let room = width - lead - (widths.age + gap) - (widths.used + gap);
  for (const c of PRIORITY) {
    if (!widths[c]) continue;
    const need = widths[c] + gap;
    if (need + (c === 'date' ? LABEL_MIN_DATE : LABEL_MIN) <= room) {
      chosen.add(c);
      room -= need;
    }
  }
  const columns = ORDER.filter((c) => chosen.has(c));
  // The label takes what is left, up to its widest; the marks then follow it closely.
  const withMarks = !chosen.has('marks');
  const labelWidest = Math.max(
    HEADER.label.length,
    widest(rows, `label:${nowSeconds}:${withMarks}:${copies}`, (r) => stringWidth(labelText(tree, r, nowSeconds, withMarks, alsoOn))),
  );
  widths.label = Math.max(1, Math.min(room, labelWidest));
  const draw = (cells: string[]) =>
    cells
      .map((text, i) => fit(text, widths[columns[i]!], RIGHT.has(columns[i]!)))
      .join(' '.repeat(gap))
      .trimEnd();
  const header = ' '.repeat(lead) + draw(columns.map((c) => HEADER[c]));
  const lines = rows.slice(opts.from ?? 0, opts.to ?? rows.length).map((r) => {
    const graph = guidePrefix(r.guides, g) + nodeGlyph(r.node, g);
    const pad = ' '.repeat(gutter + 1 - stringWidth(graph));
    const mark = opts.marked?.has(r.id) ? g.marked : ' ';
    return `${graph}${pad}${mark}${gap > 1 ? ' ' : ''}${draw(columns.map((c) => cell(tree, r, c, nowSeconds, columns, alsoOn)))}`;
  });
  return { columns, header, lines };
}
