// The chaos scenario shared by the CI test and the soak script: the managed sender pushes
// notifications while the mock injects a seeded mix of faults; then the whole ledger is checked.
import { createSender, type SenderOptions, type SenderReport } from '@apnskit/client';
import { createMockServer, seededRandom, type Fault, type MockServerStats } from '@apnskit/mock-server';
import { checkChaosLedger, type ChaosLedger } from './ledger.js';

/**
 * `varied`: every kind of fault the mock has (refused and dropped connections, stalls, delayed
 * and split answers, status 10, silent closes, resets), 24 over the run, and random rejections
 * (1 in 1000); the sender tuned for quick reconnects. `field`: what a busy gateway does, with the
 * sender's default options: about one transport fault (status 10, silent close or TCP reset, one
 * third each) per `faultEvery` notifications, and some tokens (1 in `rejectEvery`) always rejected
 * with status 8 or 1.
 */
export type ChaosMix = 'varied' | 'field';

export interface ChaosOptions {
  readonly seed: number;
  readonly total: number;
  readonly connections: number;
  /** Default 'varied'. */
  readonly mix?: ChaosMix;
  /** Share of notifications rejected at random with status 8 (varied mix; default 1 in 1000). */
  readonly rejectRate?: number;
  /** How many times over the run a transport fault is injected (varied mix; default 24). */
  readonly faultCount?: number;
  /** Field mix: notifications per transport fault (default 10,000). */
  readonly faultEvery?: number;
  /** Field mix: one token in this many is always rejected (default 10,000). */
  readonly rejectEvery?: number;
  /** Sender options over the mix's own (the field mix uses the defaults). */
  readonly sender?: Partial<Omit<SenderOptions, 'address' | 'tls' | 'connections'>>;
  /**
   * How the notifications are handed over: `send` awaits send() for each (its own payload), and
   * `writeMany` hands over WRITE_MANY_TOKENS packed tokens at a time with one payload, as apns-send
   * does. Default `send`.
   */
  readonly handOver?: 'send' | 'writeMany';
  /** Called every `progressEvery` notifications handed to the sender. */
  readonly onProgress?: (sent: number) => void;
  readonly progressEvery?: number;
}

export interface ChaosResult {
  readonly report: SenderReport;
  readonly ledger: ChaosLedger;
  /** How many transport faults of each type were scheduled. */
  readonly faultsScheduled: Readonly<Record<string, number>>;
  /** Resends by the cause of the connection's end. */
  readonly resentByCause: Readonly<Record<string, number>>;
  /** What the mock saw happen (shutdowns, silent closes, resets, stalls, refused, dropped, rejected). */
  readonly mockStats: MockServerStats;
}

const DEFAULT_REJECT_RATE = 0.001;
const DEFAULT_FAULT_COUNT = 24;
const FIELD_FAULT_EVERY = 10_000;
const FIELD_REJECT_EVERY = 10_000;
/** The statuses the field mix rejects tokens with: invalid token, processing error. */
const FIELD_REJECT_STATUSES = [8, 1] as const;
/** Tokens per writeMany call (apns-send's block). */
const WRITE_MANY_TOKENS = 512;

/** The sender as the varied mix runs it: quick reconnects, room for many retries. */
const VARIED_SENDER: Partial<SenderOptions> = { reconnectLimit: 50, backoff: { initialMs: 5, maxMs: 100 }, maxRetries: 10 };

/** One transport fault, its parameters drawn from the seeded generator. */
function drawFault(random: () => number): Fault {
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const kinds: (() => Fault)[] = [
    () => ({ type: 'shutdown-after', n: between(200, 5000) }),
    () => ({ type: 'close-after', n: between(200, 5000) }),
    () => ({ type: 'reset-after', n: between(200, 5000) }),
    () => ({ type: 'delay-error', ms: between(20, 300) }),
    () => ({ type: 'split-error', gapMs: between(1, 50) }),
    () => ({ type: 'stall-reads', ms: between(20, 200), n: between(1, 2000) }),
    () => ({ type: 'refuse-connections', count: between(1, 2) }),
    () => ({ type: 'drop-connections', count: 1 }),
  ];
  return kinds[Math.floor(random() * kinds.length)]!();
}

/** One transport fault of the field mix, `n` accepted notifications after it is added. */
function drawFieldFault(random: () => number, faultEvery: number): Fault {
  const n = 1 + Math.floor(random() * faultEvery);
  const kinds = ['shutdown-after', 'close-after', 'reset-after'] as const;
  return { type: kinds[Math.floor(random() * kinds.length)]!, n };
}

/**
 * Token of the notification at `index`: distinct, so that the mock's record can be checked per
 * notification. The index comes first: the mock files rejected tokens by their first bytes.
 */
export function chaosToken(seed: number, index: number): string {
  return index.toString(16).padStart(8, '0') + (seed >>> 0).toString(16).padStart(8, '0') + '0'.repeat(48);
}

/** The field mix's always-rejected tokens: one in `every`, each with status 8 or 1. */
function rejectSomeTokens(add: (fault: Fault) => number, seed: number, total: number, every: number): void {
  const random = seededRandom(seed ^ 0x5eed);
  for (let index = 0; index < total; index += 1) {
    if (random() * every >= 1) continue;
    const status = FIELD_REJECT_STATUSES[Math.floor(random() * FIELD_REJECT_STATUSES.length)]!;
    add({ type: 'reject-token', token: chaosToken(seed, index), status, repeat: true });
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { seed, total, connections } = options;
  const field = options.mix === 'field';
  const random = seededRandom(seed);
  const faultCount = field ? Math.round(total / (options.faultEvery ?? FIELD_FAULT_EVERY)) : (options.faultCount ?? DEFAULT_FAULT_COUNT);
  const mock = await createMockServer({ seed, closeGraceMs: 200 });
  try {
    if (field) rejectSomeTokens(mock.faults.add.bind(mock.faults), seed, total, options.rejectEvery ?? FIELD_REJECT_EVERY);
    else mock.faults.add({ type: 'reject-random', p: options.rejectRate ?? DEFAULT_REJECT_RATE, status: 8, repeat: true });
    const sender = createSender({
      ...(field ? {} : VARIED_SENDER),
      ...options.sender,
      address: { host: mock.host, port: mock.gateway.port },
      tls: { cert: mock.certs.clientCert, key: mock.certs.clientKey, ca: mock.certs.ca },
      connections,
    });
    const possiblyDuplicated = new Set<string>();
    const resentByCause: Record<string, number> = {};
    sender.on('resent', ({ possiblyDelivered, notifications, cause, count }) => {
      resentByCause[cause] = (resentByCause[cause] ?? 0) + count;
      if (possiblyDelivered) for (const { token } of notifications) possiblyDuplicated.add(token);
    });
    const faultsScheduled: Record<string, number> = {};
    const faultEvery = Math.max(1, Math.floor(total / (faultCount + 1)));
    const progressEvery = options.progressEvery ?? total;
    const scheduleFaults = (index: number): void => {
      if (index > 0 && index % faultEvery === 0) {
        const fault = field ? drawFieldFault(random, faultEvery) : drawFault(random);
        mock.faults.add(fault);
        faultsScheduled[fault.type] = (faultsScheduled[fault.type] ?? 0) + 1;
      }
      if (index > 0 && index % progressEvery === 0) options.onProgress?.(index);
    };
    if (options.handOver === 'writeMany') {
      for (let start = 0; start < total; start += WRITE_MANY_TOKENS) {
        const end = Math.min(total, start + WRITE_MANY_TOKENS);
        let hex = '';
        for (let index = start; index < end; index += 1) {
          scheduleFaults(index);
          hex += chaosToken(seed, index);
        }
        if (!sender.writeMany({ payload: '{"aps":{"alert":"chaos"}}' }, Buffer.from(hex, 'hex'))) await sender.ready();
      }
    } else {
      for (let index = 0; index < total; index += 1) {
        scheduleFaults(index);
        await sender.send({ token: chaosToken(seed, index), payload: `{"aps":{"alert":"chaos ${index}"}}` });
      }
    }
    const report = await sender.close();
    const ledger = checkChaosLedger(mock, report, { seed, total, possiblyDuplicated });
    return { report, ledger, faultsScheduled, resentByCause, mockStats: mock.stats() };
  } finally {
    await mock.close();
  }
}
