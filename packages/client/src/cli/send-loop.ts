// The loop both protocols' runs share: the tokens read block by block, each written to the
// sender through one reused notification object, malformed lines reported, a stop honoured.
import { TOKEN_LENGTH, type TokenRules } from '@apnskit/codec';
import type { SendCommand } from './options.js';
import { MALFORMED_TOKEN, type SendOutput, type Writable } from './output.js';
import { commandLineTokens, TokensFile, type TokenLines } from './tokens.js';

/** Where a run's tokens come from. */
export interface TokenSource {
  readonly blocks: AsyncIterable<TokenLines> | Iterable<TokenLines>;
  readonly file?: TokensFile;
  /** Share of the input consumed, when the total is known. */
  fraction(queued: number): number | undefined;
}

export function tokenSource(command: SendCommand, rules: TokenRules = {}): TokenSource {
  const tokens = command.tokens;
  if (tokens.kind === 'list') {
    return { blocks: [commandLineTokens(tokens.tokens, rules)], fraction: (queued) => queued / tokens.tokens.length };
  }
  const file = new TokensFile(tokens.path, tokens.size, rules);
  return { blocks: file.blocks(), file, fraction: () => (tokens.size > 0 ? file.bytesRead / tokens.size : undefined) };
}

/** The part of either sender the loop uses: stream-style writes with backpressure. */
export interface WritingSender<N> {
  write(notification: N): boolean;
  writeMany(notification: N, tokens: Uint8Array): boolean;
  ready(): Promise<void>;
}

/** Counts the loop keeps for the progress line and the totals; `stopped` ends it after the current token. */
export interface LoopState {
  queued: number;
  malformed: number;
  stopped: boolean;
}

/**
 * Writes one notification per token line, `notification` carrying each token in turn (the
 * senders copy what they need at once, so nothing is made per token: cli.bench.ts measures this
 * loop as what the CLI adds). Resolves with the error that ended it early (the sender gave up,
 * the file broke), or undefined; either way the caller closes the sender and reports.
 */
async function sendLines<N>(
  source: TokenSource,
  sender: WritingSender<N>,
  notification: N & { token: Buffer },
  state: LoopState,
  output: Pick<SendOutput, 'failure'>,
): Promise<unknown> {
  const packed = Buffer.allocUnsafe(TOKENS_PER_WRITE * TOKEN_LENGTH);
  const packedView = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  try {
    for await (const lines of source.blocks) {
      // A stop comes from a signal handler, so it can only have happened during an await.
      while (!state.stopped && writeLines(lines, sender, notification, state, output, packedView) === 'full') await sender.ready();
      if (state.stopped) break;
    }
    return undefined;
  } catch (error) {
    source.file?.stop();
    return error;
  }
}

/** Tokens decoded per writeMany: enough that the call's cost vanishes, few enough that the queue stays near its mark. */
const TOKENS_PER_WRITE = 512;

/**
 * Writes the block's lines from where it stands until it ends ('end') or the sender wants a
 * pause ('full'). Runs of usual lines are decoded into `packed` and go out by writeMany, which
 * copies one encoded frame per token; any other line goes through next() and write() alone. Kept
 * synchronous and apart from the async plumbing above, this loop is compiled small, once, instead
 * of with the whole async function each time a rare path (the first pause, the next block) is
 * first taken.
 */
function writeLines<N>(lines: TokenLines, sender: WritingSender<N>, notification: N & { token: Buffer }, state: LoopState, output: Pick<SendOutput, 'failure'>, packed: DataView): 'end' | 'full' {
  for (;;) {
    const count = lines.nextTokens(packed, TOKENS_PER_WRITE);
    if (count > 0) {
      state.queued += count;
      if (!sender.writeMany(notification, new Uint8Array(packed.buffer, packed.byteOffset, count * TOKEN_LENGTH))) return 'full';
      continue;
    }
    const kind = lines.next();
    if (kind === 'end') return 'end';
    if (kind === 'malformed') {
      state.malformed += 1;
      const { text, reason } = lines.malformed!;
      output.failure({ token: text, status: null, name: MALFORMED_TOKEN, line: lines.line, reason });
      continue;
    }
    notification.token = lines.token;
    state.queued += 1;
    if (!sender.write(notification)) return 'full';
  }
}

/** How often the progress bar is redrawn. */
const PROGRESS_INTERVAL_MS = 100;

/** What the sending part of a run works with. */
export interface SendAll<N, R> {
  readonly source: TokenSource;
  readonly sender: WritingSender<N> & { close(): Promise<R> };
  readonly notification: N & { token: Buffer };
  readonly loop: LoopState;
  readonly output: SendOutput;
  readonly stderr: Writable;
  /** Errors already printed (a stop they caused says "see above"). */
  readonly reported: ReadonlySet<unknown>;
  /** Failures the sender has reported so far, for the progress line. */
  failedSoFar(): number;
  readonly startedAt: number;
}

/**
 * The sending part of a run: the progress line redrawn while every token is written, then the
 * sender closed (it drains, confirms and reports). A loop ended early by an error says so on
 * stderr; its report still accounts for everything written.
 */
export async function sendAll<N, R>(run: SendAll<N, R>): Promise<{ report: R; sendError: unknown }> {
  const { source, loop, output } = run;
  const progress = setInterval(() => {
    output.progress({ sent: loop.queued, failed: run.failedSoFar() + loop.malformed, fraction: source.fraction(loop.queued), elapsedMs: performance.now() - run.startedAt });
  }, PROGRESS_INTERVAL_MS);
  progress.unref();
  const sendError = await sendLines(source, run.sender, run.notification, loop, output);
  let report: R;
  try {
    report = await run.sender.close();
  } finally {
    clearInterval(progress);
  }
  if (sendError !== undefined) {
    output.clearProgress();
    const why = run.reported.has(sendError) ? 'see above' : sendError instanceof Error ? sendError.message : String(sendError);
    run.stderr.write(`apns-send: stopped early (${why}); the tokens not read yet were not sent\n`);
  }
  return { report, sendError };
}
