/** apns-push-type values, the topic suffix each needs, and their priority and authentication rules. */

/** Largest body APNs accepts, in bytes; VoIP pushes get more. */
export const PayloadLimits = Object.freeze({ Default: 4096, Voip: 5120 } as const);

/** apns-priority values: send now, save power, never wake the device. */
export const Priorities = Object.freeze({ Immediate: 10, Conserve: 5, Low: 1 } as const);
export type Http2Priority = (typeof Priorities)[keyof typeof Priorities];

export interface PushTypeRule {
  readonly pushType: string;
  /** Appended to the bundle id to make apns-topic ('' for none). */
  readonly topicSuffix: string;
  /** The priorities APNs accepts with this type. */
  readonly priorities: readonly Http2Priority[];
  /** Only on token-authenticated connections. */
  readonly tokenOnly: boolean;
  readonly payloadLimit: number;
}

const ALL: readonly Http2Priority[] = Object.freeze([10, 5, 1]);

function rule(pushType: string, topicSuffix: string, options: { priorities?: readonly Http2Priority[]; tokenOnly?: boolean; payloadLimit?: number } = {}): PushTypeRule {
  return Object.freeze({
    pushType,
    topicSuffix,
    priorities: options.priorities ? Object.freeze([...options.priorities]) : ALL,
    tokenOnly: options.tokenOnly ?? false,
    payloadLimit: options.payloadLimit ?? PayloadLimits.Default,
  });
}

export const PUSH_TYPES: readonly PushTypeRule[] = Object.freeze([
  rule('alert', ''),
  rule('background', '', { priorities: [5] }),
  rule('voip', '.voip', { payloadLimit: PayloadLimits.Voip }),
  rule('complication', '.complication'),
  rule('fileprovider', '.pushkit.fileprovider'),
  rule('location', '.location-query', { tokenOnly: true }),
  rule('liveactivity', '.push-type.liveactivity', { tokenOnly: true }),
  rule('pushtotalk', '.voip-ptt', { priorities: [10] }),
  rule('widgets', '.push-type.widgets'),
  rule('controls', '.push-type.controls'),
  // An MDM topic is the UID of the MDM certificate: no suffix to check.
  rule('mdm', ''),
]);

const BY_TYPE: ReadonlyMap<string, PushTypeRule> = new Map(PUSH_TYPES.map((entry) => [entry.pushType, entry]));

/** The rule of a push type, or undefined when APNs does not know it (InvalidPushType). */
export function pushTypeRule(pushType: string): PushTypeRule | undefined {
  return BY_TYPE.get(pushType);
}

/** apns-topic for a bundle id and a push type: `com.example.app` + `.voip`. */
export function topicFor(bundleId: string, pushType: string): string {
  return bundleId + (BY_TYPE.get(pushType)?.topicSuffix ?? '');
}

/** The bundle id inside a topic (the topic itself when it lacks the type's suffix). */
export function bundleIdOf(topic: string, pushType: string): string {
  const suffix = BY_TYPE.get(pushType)?.topicSuffix ?? '';
  return suffix !== '' && topic.endsWith(suffix) ? topic.slice(0, -suffix.length) : topic;
}

/** Whether a topic carries the suffix its push type needs (and a non-empty bundle id before it). */
export function topicMatchesPushType(topic: string, pushType: string): boolean {
  const entry = BY_TYPE.get(pushType);
  if (!entry) return false;
  if (entry.pushType === 'mdm') return topic.length > 0;
  if (entry.topicSuffix === '') return topic.length > 0 && !PUSH_TYPES.some((other) => other.topicSuffix !== '' && topic.endsWith(other.topicSuffix));
  return topic.length > entry.topicSuffix.length && topic.endsWith(entry.topicSuffix);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The push type a payload calls for when the caller names none: `background` for an `aps` with
 * only `content-available: 1`, `liveactivity` for one with `event` and `content-state`, `widgets`
 * for `content-changed`, otherwise `alert`. VoIP and the others cannot be told from a payload.
 */
export function inferPushType(payload: unknown): string {
  const aps = isObject(payload) ? payload.aps : undefined;
  if (!isObject(aps)) return 'alert';
  if ('event' in aps && 'content-state' in aps) return 'liveactivity';
  if (aps['content-changed'] === true) return 'widgets';
  const keys = Object.keys(aps);
  if (aps['content-available'] === 1 && keys.every((key) => key === 'content-available')) return 'background';
  return 'alert';
}
