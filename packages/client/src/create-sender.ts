import { Http2Sender } from './h2/sender.js';
import type { Http2SenderOptions } from './h2/types.js';
import { Sender } from './sender.js';
import type { SenderOptions } from './sender-types.js';

/**
 * Creates a managed sender: `protocol: 'h2'` for Apple's HTTP/2 provider API, otherwise the binary
 * gateway's. Both take send()/write()/ready()/close() and report the same way, so moving from one to
 * the other changes options, not code. Bad options or credentials throw here, before any connection.
 */
export function createSender(options: Http2SenderOptions): Http2Sender;
export function createSender(options: SenderOptions): Sender;
export function createSender(options: SenderOptions | Http2SenderOptions): Sender | Http2Sender {
  if (options !== null && typeof options === 'object' && options.protocol === 'h2') return new Http2Sender(options);
  return new Sender(options as SenderOptions);
}
