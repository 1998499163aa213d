// '@apnskit/codec/wire': the wire layout and the writers beneath the encoders, for senders,
// servers and benchmarks that work with frames as bytes.
export * from './constants.js';
export { STATUS_TABLE } from './status.js';
export { toWireNotification, type WireNotification } from './notification.js';
export { encodeProbeFrame, wireLength, writeWire } from './encode.js';
export { describeFrame, formatOf, identifierOffset, minFrameLength, tokenOffset } from './frame-layout.js';
