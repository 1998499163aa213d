// What apns-send prints: JSON lines (--json), or a progress bar on a terminal and a readable summary.
import { shownValue } from '@apnskit/tls/cli';

/** One notification that did not get through. `status` is null for lines that were never sent. */
export interface FailureRecord {
  readonly token: string;
  readonly status: number | null;
  readonly name: string;
  /** Line of the tokens file, for tokens that could not be parsed. */
  readonly line?: number;
  readonly reason?: string;
  /** HTTP/2 410 answers: when APNs last saw the token invalid (ISO 8601). */
  readonly timestamp?: string;
}

/** One notification whose fate is unknown (a line of its own with --json, so a script can retry it). */
export interface UnconfirmedRecord {
  readonly token: string;
  readonly unconfirmed: true;
  readonly reason: string;
}

export interface Totals {
  readonly sent: number;
  readonly delivered: number;
  readonly failed: number;
  /** Listed unconfirmed notifications (one line each with --json). */
  readonly unconfirmed: number;
  /** Unconfirmed too, but no longer held by any window: counted only (absent when 0). */
  readonly forgotten?: number;
  readonly resent: number;
  readonly elapsedMs: number;
}

export interface Progress {
  readonly sent: number;
  readonly failed: number;
  /** 0..1 when the total is known (token list, or bytes of the tokens file), else undefined. */
  readonly fraction: number | undefined;
  readonly elapsedMs: number;
}

export interface Writable {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface SendOutput {
  failure(record: FailureRecord): void;
  unconfirmed(record: UnconfirmedRecord): void;
  progress(state: Progress): void;
  /** Clears the progress bar (before other messages go to stderr). */
  clearProgress(): void;
  finish(totals: Totals, unconfirmedReasons: ReadonlyMap<string, number>): void;
}

/**
 * A tokens-file line as a report shows it: cut when long (a 10 MB line is not echoed whole), and
 * never a key pasted into the file by mistake.
 */
function reportable(record: FailureRecord): FailureRecord {
  if (record.line === undefined) return record;
  return { ...record, token: shownValue(record.token), ...(record.reason !== undefined ? { reason: shownValue(record.reason) } : {}) };
}

export function jsonOutput(stdout: Writable): SendOutput {
  return {
    failure: (record) => stdout.write(JSON.stringify(reportable(record)) + '\n'),
    unconfirmed: (record) => stdout.write(JSON.stringify(record) + '\n'),
    progress: () => undefined,
    clearProgress: () => undefined,
    finish: (totals) => stdout.write(JSON.stringify(totals) + '\n'),
  };
}

/** Name of the failure of a tokens-file line that is not a token (never sent). */
export const MALFORMED_TOKEN = 'malformed-token';

/** Failed tokens listed one by one in the text summary; the rest are only counted. */
const LISTED_FAILURES = 20;
/** A run shorter than this gets no progress bar. */
const PROGRESS_AFTER_MS = 1000;
const BAR_WIDTH = 24;

/** Made at first use: building an Intl formatter costs tens of milliseconds at start-up, which --json never needs. */
let numberFormat: Intl.NumberFormat | undefined;
const count = {
  format(value: number): string {
    numberFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    return numberFormat.format(value);
  },
};

export function textOutput(stdout: Writable, stderr: Writable, destination: string): SendOutput {
  const listed: FailureRecord[] = [];
  const failuresByName = new Map<string, number>();
  let barShown = false;
  const clearProgress = () => {
    if (barShown) stderr.write('\r\x1b[K');
    barShown = false;
  };
  return {
    failure(record) {
      if (listed.length < LISTED_FAILURES) listed.push(reportable(record));
      failuresByName.set(record.name, (failuresByName.get(record.name) ?? 0) + 1);
    },
    // Counted by reason in the summary; --json lists each.
    unconfirmed: () => undefined,
    progress(state) {
      if (!stderr.isTTY || state.elapsedMs < PROGRESS_AFTER_MS) return;
      stderr.write(`\r${progressLine(state)}\x1b[K`);
      barShown = true;
    },
    clearProgress,
    finish(totals, unconfirmedReasons) {
      clearProgress();
      stdout.write(summary(totals, destination, failuresByName, unconfirmedReasons, listed));
    },
  };
}

export function progressLine(state: Progress): string {
  const rate = state.elapsedMs > 0 ? (state.sent * 1000) / state.elapsedMs : 0;
  const figures = `${count.format(state.sent)} sent  ${count.format(rate)}/s  ${count.format(state.failed)} failed`;
  if (state.fraction === undefined) return figures;
  const fraction = Math.min(1, Math.max(0, state.fraction));
  const filled = Math.round(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)
    .toString()
    .padStart(3)}%  ${figures}`;
}

function summary(
  totals: Totals,
  destination: string,
  failuresByName: ReadonlyMap<string, number>,
  unconfirmedReasons: ReadonlyMap<string, number>,
  listed: readonly FailureRecord[],
): string {
  const seconds = totals.elapsedMs / 1000;
  const rate = totals.elapsedMs > 0 ? (totals.sent * 1000) / totals.elapsedMs : 0;
  const breakdown = (counts: ReadonlyMap<string, number>) =>
    counts.size === 0 ? '' : `  (${[...counts].map(([name, n]) => `${name}: ${count.format(n)}`).join(', ')})`;
  const rows: Array<[string, number, string]> = [
    ['delivered', totals.delivered, ''],
    ['failed', totals.failed, breakdown(failuresByName)],
    ['unconfirmed', totals.unconfirmed + (totals.forgotten ?? 0), breakdown(unconfirmedReasons)],
    ['resent', totals.resent, totals.resent > 0 ? '  (discarded by the gateway after an error, sent again)' : ''],
  ];
  const malformed = failuresByName.get(MALFORMED_TOKEN) ?? 0;
  if (malformed > 0) rows[1][2] += `; ${count.format(malformed)} unreadable ${malformed === 1 ? 'line was' : 'lines were'} not sent`;
  const width = Math.max(...rows.map(([, n]) => count.format(n).length));
  const noun = totals.sent === 1 ? 'notification' : 'notifications';
  const lines = [`Sent ${count.format(totals.sent)} ${noun} to ${destination} in ${seconds.toFixed(1)} s (${count.format(rate)}/s)`];
  for (const [label, n, note] of rows) lines.push(`  ${label.padEnd(12)}${count.format(n).padStart(width)}${note}`);
  if (listed.length > 0) {
    lines.push('', totals.failed > listed.length ? `First ${listed.length} of ${count.format(totals.failed)} failures:` : 'Failures:');
    for (const record of listed) lines.push(`  ${describeFailure(record)}`);
    lines.push('Run with --json for every failure as a JSON line.');
  }
  lines.push(verdict(totals));
  return lines.join('\n') + '\n';
}

function describeFailure(record: FailureRecord): string {
  if (record.line !== undefined) return `line ${record.line}: ${record.name}: ${record.reason ?? ''}`;
  return `${record.token}  status ${record.status ?? '-'} ${record.name}`;
}

function verdict(totals: Totals): string {
  const unconfirmed = totals.unconfirmed + (totals.forgotten ?? 0);
  if (totals.failed === 0 && unconfirmed === 0) return 'All delivered.';
  if (unconfirmed > 0) return 'Not everything was confirmed: the gateway may or may not have processed the unconfirmed ones.';
  return 'Some notifications failed.';
}
