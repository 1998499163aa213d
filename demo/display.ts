// Output for the demo: readable on a terminal (a live progress bar) and in a log (plain lines).

const interactive = process.stdout.isTTY === true && process.env.CI !== 'true';
const PROGRESS_WIDTH = 28;
/** In a log, one progress line per this fraction of the work. */
const LOG_PROGRESS_STEP = 0.25;

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function rate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M/s` : `${count(Math.round(perSecond / 1000))}k/s`;
}

export function shortToken(hex: string): string {
  return `${hex.slice(0, 8)}…${hex.slice(-4)}`;
}

/** `label  text` with the label in a fixed column. */
export function step(label: string, text: string): void {
  clearProgressLine();
  console.log(`${label.padEnd(10)}${text}`);
}

export function heading(text: string): void {
  clearProgressLine();
  console.log(`\n${text}`);
}

let progressShown = false;
let lastLoggedStep = -1;

export function progress(done: number, total: number, perSecond: number): void {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  if (interactive) {
    const filled = Math.round(fraction * PROGRESS_WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(PROGRESS_WIDTH - filled);
    process.stdout.write(`\r          ${bar} ${String(Math.round(fraction * 100)).padStart(3)}%  ${count(done)}/${count(total)}  ${rate(perSecond)}   `);
    progressShown = true;
    return;
  }
  const reached = Math.floor(fraction / LOG_PROGRESS_STEP);
  if (reached > lastLoggedStep) {
    lastLoggedStep = reached;
    console.log(`progress  ${String(Math.round(fraction * 100)).padStart(3)}%  ${count(done)}/${count(total)}  ${rate(perSecond)}`);
  }
}

function clearProgressLine(): void {
  if (!progressShown) return;
  process.stdout.write('\r' + ' '.repeat(80) + '\r');
  progressShown = false;
}

/** A two-column table with a rule above and below. */
export function table(rows: readonly (readonly [string, string])[]): void {
  clearProgressLine();
  const labelWidth = Math.max(...rows.map(([label]) => label.length)) + 2;
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const rule = '─'.repeat(labelWidth + valueWidth + 2);
  console.log(rule);
  for (const [label, value] of rows) console.log(` ${label.padEnd(labelWidth)}${value.padStart(valueWidth)}`);
  console.log(rule);
}
