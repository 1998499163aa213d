export { feedback, readFeedback } from './reader.js';
export type { FeedbackEntry, FeedbackOptions, FeedbackReader, FeedbackReadState } from './reader.js';
export type { FeedbackEndReason } from './connection.js';
export { pollFeedback } from './poller.js';
export type { FeedbackPoller, FeedbackPollerOptions, PollErrorInfo, PollInfo } from './poller.js';
export { feedbackAddress, FEEDBACK_PORT } from './addresses.js';
export { ApnsFeedbackError, isApnsFeedbackError, type FeedbackErrorCode } from './errors.js';
