export { feedback, readFeedback, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_HIGH_WATER_MARK } from './reader.js';
export type { FeedbackEntry, FeedbackOptions, FeedbackReader, FeedbackReadState } from './reader.js';
export type { FeedbackEndReason } from './connection.js';
export { pollFeedback, DEFAULT_POLL_INTERVAL_MS } from './poller.js';
export type { FeedbackPoller, FeedbackPollerOptions, PollErrorInfo, PollInfo } from './poller.js';
export { devAddress, prodAddress, FEEDBACK_PORT, SANDBOX_FEEDBACK_HOST, PRODUCTION_FEEDBACK_HOST } from './addresses.js';
export { ApnsFeedbackError, isApnsFeedbackError, type FeedbackErrorCode } from './errors.js';
