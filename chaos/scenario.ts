// The chaos scenario shared by the CI test and the soak script: the managed sender pushes
// notifications while the mock injects a seeded mix of faults; then the whole ledger is checked.
import { createSender, type SenderReport } from '@apnskit/client';
import { createMockServer, seededRandom, type Fault, type MockServerStats } from '@apnskit/mock-server';
import { checkChaosLedger, type ChaosLedger } from './ledger.js';

export interface ChaosOptions {
  readonly seed: number;
  readonly total: number;
  readonly connections: number;
  /** Share of notifications rejected at random with status 8 (default 1 in 1000). */
  readonly rejectRate?: number;
  /** How many times over the run a transport fault is injected (default 24). */
  readonly faultCount?: number;
  /** Called every `progressEvery` notifications handed to the sender. */
  readonly onProgress?: (sent: number) => void;
  readonly progressEvery?: number;
}

export interface ChaosResult {
  readonly report: SenderReport;
  readonly ledger: ChaosLedger;
  /** How many transport faults of each type were scheduled. */
  readonly faultsScheduled: Readonly<Record<string, number>>;
  /** What the mock saw happen (shutdowns, silent closes, resets, stalls, refused, dropped, rejected). */
  readonly mockStats: MockServerStats;
}

const DEFAULT_REJECT_RATE = 0.001;
const DEFAULT_FAULT_COUNT = 24;

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

/** Token of the notification at `index`: distinct, so that the mock's record can be checked per notification. */
export function chaosToken(seed: number, index: number): string {
  return (seed >>> 0).toString(16).padStart(8, '0') + index.toString(16).padStart(56, '0');
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { seed, total, connections } = options;
  const random = seededRandom(seed);
  const faultCount = options.faultCount ?? DEFAULT_FAULT_COUNT;
  const mock = await createMockServer({ seed, closeGraceMs: 200 });
  try {
    mock.faults.add({ type: 'reject-random', p: options.rejectRate ?? DEFAULT_REJECT_RATE, status: 8, repeat: true });
    const sender = createSender({
      address: { host: mock.host, port: mock.gateway.port },
      tls: { cert: mock.certs.clientCert, key: mock.certs.clientKey, ca: mock.certs.ca },
      connections,
      reconnectLimit: 50,
      backoff: { initialMs: 5, maxMs: 100 },
      maxRetries: 10,
    });
    const possiblyDuplicated = new Set<string>();
    sender.on('resent', ({ possiblyDelivered, notifications }) => {
      if (possiblyDelivered) for (const { token } of notifications) possiblyDuplicated.add(token);
    });
    const faultsScheduled: Record<string, number> = {};
    const faultEvery = Math.max(1, Math.floor(total / (faultCount + 1)));
    const progressEvery = options.progressEvery ?? total;
    for (let index = 0; index < total; index += 1) {
      if (index > 0 && index % faultEvery === 0) {
        const fault = drawFault(random);
        mock.faults.add(fault);
        faultsScheduled[fault.type] = (faultsScheduled[fault.type] ?? 0) + 1;
      }
      if (index > 0 && index % progressEvery === 0) options.onProgress?.(index);
      await sender.send({ token: chaosToken(seed, index), payload: `{"aps":{"alert":"chaos ${index}"}}` });
    }
    const report = await sender.close();
    const ledger = checkChaosLedger(mock, report, { seed, total, possiblyDuplicated });
    return { report, ledger, faultsScheduled, mockStats: mock.stats() };
  } finally {
    await mock.close();
  }
}
