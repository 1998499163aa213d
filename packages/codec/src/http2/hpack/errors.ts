/** HPACK failures: each is a COMPRESSION_ERROR for the HTTP/2 connection that carried the block. */
import { ApnsCodecError } from '../../errors.js';

export class HpackError extends ApnsCodecError {
  constructor(message: string) {
    super('APNS_ERR_HPACK', message);
    this.name = 'HpackError';
  }
}
