/*
 * A deliberately plain builder of wire packets, written from protocol.md without any of the
 * codec's code: tests take expected bytes from here or from annotated hex, never from the
 * encoder under test.
 */

export function u8(value: number): Buffer {
  return Buffer.from([value]);
}

export function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

export function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function bytesOf(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** `item id u8 | item length u16 | data` */
export function item(itemId: number, data: Buffer | string): Buffer {
  const bytes = bytesOf(data);
  return Buffer.concat([u8(itemId), u16(bytes.length), bytes]);
}

export const tokenItem = (token: Buffer): Buffer => item(1, token);
export const payloadItem = (payload: Buffer | string): Buffer => item(2, payload);
export const idItem = (id: number): Buffer => item(3, u32(id));
export const expiryItem = (expiry: number): Buffer => item(4, u32(expiry));
export const priorityItem = (priority: number): Buffer => item(5, u8(priority));

/** `02 | frame length u32 | items` */
export function frame(...items: Buffer[]): Buffer {
  const body = Buffer.concat(items);
  return Buffer.concat([u8(2), u32(body.length), body]);
}

export interface NaiveNotification {
  token: Buffer;
  payload: Buffer | string;
  id?: number;
  expiry?: number;
  priority?: number;
}

/** Command 2 with items in node-apn's order 1, 2, 3, 4, 5. */
export function frameOf(n: NaiveNotification): Buffer {
  return frame(
    tokenItem(n.token),
    payloadItem(n.payload),
    idItem(n.id ?? 0),
    expiryItem(n.expiry ?? 0),
    priorityItem(n.priority ?? 10),
  );
}

/** `01 | id u32 | expiry u32 | token length u16 | token | payload length u16 | payload` */
export function enhanced(n: NaiveNotification): Buffer {
  const payload = bytesOf(n.payload);
  return Buffer.concat([u8(1), u32(n.id ?? 0), u32(n.expiry ?? 0), u16(n.token.length), n.token, u16(payload.length), payload]);
}

/** `00 | token length u16 | token | payload length u16 | payload` */
export function simple(n: NaiveNotification): Buffer {
  const payload = bytesOf(n.payload);
  return Buffer.concat([u8(0), u16(n.token.length), n.token, u16(payload.length), payload]);
}

/** `08 | status u8 | id u32` */
export function errorResponse(status: number, id: number): Buffer {
  return Buffer.concat([u8(8), u8(status), u32(id)]);
}

/** `timestamp u32 | token length u16 | token` */
export function feedbackTuple(timestamp: number, token: Buffer): Buffer {
  return Buffer.concat([u32(timestamp), u16(token.length), token]);
}
