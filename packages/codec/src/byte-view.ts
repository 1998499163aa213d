/** A DataView of exactly `bytes` (same memory, offset 0 = `bytes[0]`): for word loads and stores. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/*
 * The array written into last, and its view. Encoders write frame after frame into one batch
 * buffer: a view made per frame took about half of encodeNotificationInto's time, and a weakly
 * held one a fifth (codec bench, same run). Held strongly: the codec keeps the last array it
 * wrote into referenced until it writes into another.
 */
const recent: { target: Uint8Array | undefined; view: DataView | undefined } = { target: undefined, view: undefined };

/** viewOf(bytes), reusing the view made for the same array last time. */
export function recentViewOf(bytes: Uint8Array): DataView {
  if (bytes === recent.target) return recent.view as DataView;
  const view = viewOf(bytes);
  recent.target = bytes;
  recent.view = view;
  return view;
}
