/** Status bytes of Apple's error response (command 8). */
export const Status = Object.freeze({
  NoErrors: 0,
  ProcessingError: 1,
  MissingDeviceToken: 2,
  MissingTopic: 3,
  MissingPayload: 4,
  InvalidTokenSize: 5,
  InvalidTopicSize: 6,
  InvalidPayloadSize: 7,
  InvalidToken: 8,
  Shutdown: 10,
  ProtocolError: 128,
  Unknown: 255,
} as const);
export type KnownStatus = (typeof Status)[keyof typeof Status];

/** What a status says about the notification its error response names. */
export type StatusOutcome =
  /** The named notification failed; those after it were discarded. */
  | 'failed'
  /** Status 10: the named notification was the last one delivered; those after it were discarded. */
  | 'last-delivered'
  /** Status 0: nothing went wrong with the named notification. */
  | 'none';

export interface StatusInfo {
  readonly status: number;
  /** Stable kebab-case name, e.g. `invalid-token`; `unknown-<n>` for bytes Apple never documented. */
  readonly name: string;
  /** Apple's meaning. */
  readonly description: string;
  readonly outcome: StatusOutcome;
  /** True when sending the same notification again may succeed. */
  readonly retryable: boolean;
  /** True when the device token should be dropped (status 8). */
  readonly dropToken: boolean;
  /** False for bytes outside Apple's table. */
  readonly known: boolean;
}

function info(
  status: number,
  name: string,
  description: string,
  outcome: StatusOutcome,
  flags: { retryable?: boolean; dropToken?: boolean } = {},
): StatusInfo {
  return Object.freeze({
    status,
    name,
    description,
    outcome,
    retryable: flags.retryable ?? false,
    dropToken: flags.dropToken ?? false,
    known: true,
  });
}

const TABLE: ReadonlyMap<number, StatusInfo> = new Map(
  [
    info(Status.NoErrors, 'no-errors', 'No errors encountered', 'none'),
    info(Status.ProcessingError, 'processing-error', 'Processing error', 'failed', { retryable: true }),
    info(Status.MissingDeviceToken, 'missing-device-token', 'Missing device token', 'failed'),
    info(Status.MissingTopic, 'missing-topic', 'Missing topic', 'failed'),
    info(Status.MissingPayload, 'missing-payload', 'Missing payload', 'failed'),
    info(Status.InvalidTokenSize, 'invalid-token-size', 'Invalid token size', 'failed'),
    info(Status.InvalidTopicSize, 'invalid-topic-size', 'Invalid topic size', 'failed'),
    info(Status.InvalidPayloadSize, 'invalid-payload-size', 'Invalid payload size', 'failed'),
    info(Status.InvalidToken, 'invalid-token', 'Invalid token', 'failed', { dropToken: true }),
    info(
      Status.Shutdown,
      'shutdown',
      'Shutdown: the named notification was the last one delivered; resend those after it',
      'last-delivered',
      { retryable: true },
    ),
    info(Status.ProtocolError, 'protocol-error', 'Protocol error: the notification could not be parsed', 'failed'),
    info(Status.Unknown, 'unknown', 'None (unknown)', 'failed'),
  ].map((entry) => [entry.status, entry]),
);

/** Every documented status, in byte order. */
export const STATUS_TABLE: readonly StatusInfo[] = Object.freeze([...TABLE.values()]);

const undocumented = new Map<number, StatusInfo>();

/** Looks up any byte; bytes outside Apple's table come back as unknown failures, never a throw. */
export function statusInfo(status: number): StatusInfo {
  const known = TABLE.get(status);
  if (known) return known;
  let entry = undocumented.get(status);
  if (!entry) {
    entry = Object.freeze({
      status,
      name: `unknown-${status}`,
      description: `Undocumented status ${status}`,
      outcome: 'failed',
      retryable: false,
      dropToken: false,
      known: false,
    });
    if (Number.isInteger(status) && status >= 0 && status <= 0xff) undocumented.set(status, entry);
  }
  return entry;
}

export function statusName(status: number): string {
  return statusInfo(status).name;
}
