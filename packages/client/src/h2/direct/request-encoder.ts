/**
 * The header block of a push, from the codec's header rules (pushRequestHeaders) and its HPACK
 * encoder. Everything but `:path` is the same for a run of pushes with the same fields and token,
 * so it is encoded once and copied; `:path` (the device token) is the one literal per push.
 * Static-table fields only, so no dynamic table state couples requests.
 */
import { DEVICE_PATH_PREFIX, Headers, encodeHeaderBlock, literalFieldLength, pushRequestHeaders, staticNameIndex, writeLiteralField } from '@apnskit/codec/http2';
import type { Push } from '../notification.js';

const PATH_NAME_INDEX = staticNameIndex(Headers.Path);

type Fields = Push['notification'];

export class RequestEncoder {
  /** :method, :scheme, :authority: fixed per connection. */
  private readonly pseudo: Buffer;
  private regular: Buffer = Buffer.alloc(0);
  private last: Fields | undefined;
  private lastProviderToken: string | undefined;
  private path = '';

  constructor(authority: string) {
    const fields: [string, string][] = [];
    for (const [name, value] of Object.entries(pushRequestHeaders({ token: '' }))) if (name !== Headers.Path) fields.push([name, value]);
    fields.push([Headers.Authority, authority]);
    this.pseudo = encodeHeaderBlock(fields);
  }

  /** Octets of the block for `fields` with `providerToken` (and makes it the one `write` uses). */
  prepare(fields: Fields, providerToken: string | undefined): number {
    if (!this.sameHeaders(fields, providerToken)) {
      const regular: [string, string][] = [];
      for (const [name, value] of Object.entries(pushRequestHeaders({ ...fields, token: '', providerToken }))) if (!name.startsWith(':')) regular.push([name, value]);
      this.regular = encodeHeaderBlock(regular);
      this.last = fields;
      this.lastProviderToken = providerToken;
    }
    this.path = DEVICE_PATH_PREFIX + fields.token;
    return this.pseudo.length + literalFieldLength(PATH_NAME_INDEX, Headers.Path, this.path) + this.regular.length;
  }

  /** Writes the block last prepared at `offset`; returns the offset after. */
  writeBlock(target: Buffer, offset: number): number {
    target.set(this.pseudo, offset);
    offset += this.pseudo.length;
    offset = writeLiteralField(PATH_NAME_INDEX, this.path, target, offset);
    target.set(this.regular, offset);
    return offset + this.regular.length;
  }

  private sameHeaders(fields: Fields, providerToken: string | undefined): boolean {
    const last = this.last;
    return (
      last !== undefined &&
      providerToken === this.lastProviderToken &&
      fields.topic === last.topic &&
      fields.pushType === last.pushType &&
      fields.priority === last.priority &&
      fields.expiration === last.expiration &&
      fields.collapseId === last.collapseId &&
      fields.apnsId === last.apnsId
    );
  }
}
