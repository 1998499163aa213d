/** Command bytes that open every packet on the wire. */
export const Command = Object.freeze({
  /** Simple notification: no identifier, so errors can only close the connection. */
  Simple: 0,
  /** Enhanced notification: identifier and expiry. */
  Enhanced: 1,
  /** Frame of items (iOS 7+). */
  Frame: 2,
  /** Error response written by the gateway before it closes. */
  ErrorResponse: 8,
} as const);

/** Item identifiers inside a command-2 frame. */
export const ItemId = Object.freeze({
  Token: 1,
  Payload: 2,
  Identifier: 3,
  Expiry: 4,
  Priority: 5,
} as const);

/** Priority 10 delivers now (and must alert, sound or badge); 5 saves power. */
export const Priority = Object.freeze({
  Immediate: 10,
  PowerConserving: 5,
} as const);
export type PriorityValue = (typeof Priority)[keyof typeof Priority];

export const TOKEN_LENGTH = 32;
export const COMMAND_LENGTH = 1;
export const U8_LENGTH = 1;
export const U16_LENGTH = 2;
export const U32_LENGTH = 4;
export const IDENTIFIER_LENGTH = U32_LENGTH;
export const EXPIRY_LENGTH = U32_LENGTH;
export const PRIORITY_LENGTH = U8_LENGTH;

/** `02 | frame length u32` */
export const FRAME_HEADER_LENGTH = COMMAND_LENGTH + U32_LENGTH;
/** `item id u8 | item length u16` */
export const ITEM_HEADER_LENGTH = U8_LENGTH + U16_LENGTH;
/** `00 | token length u16` */
export const SIMPLE_HEADER_LENGTH = COMMAND_LENGTH + U16_LENGTH;
/** `01 | identifier u32 | expiry u32 | token length u16` */
export const ENHANCED_HEADER_LENGTH = COMMAND_LENGTH + IDENTIFIER_LENGTH + EXPIRY_LENGTH + U16_LENGTH;
/** `08 | status u8 | identifier u32` */
export const ERROR_RESPONSE_LENGTH = COMMAND_LENGTH + U8_LENGTH + IDENTIFIER_LENGTH;
/** `timestamp u32 | token length u16` */
export const FEEDBACK_HEADER_LENGTH = U32_LENGTH + U16_LENGTH;

/** Largest value of any u16 length field. */
export const MAX_U16 = 0xffff;
export const MAX_U32 = 0xffffffff;

/**
 * The largest command-2 frame body a client could legitimately send: each of the five items
 * at most once, each at most a u16 long. Anything claiming more is a protocol error at once.
 */
export const MAX_FRAME_LENGTH = 5 * (ITEM_HEADER_LENGTH + MAX_U16);

/** Payload limits in bytes. */
export const PayloadLimit = Object.freeze({
  /** Before iOS 8. */
  Legacy: 256,
  /** iOS 8 and later: what every library enforced for commands 1 and 2. */
  Default: 2048,
  /** VoIP certificates. */
  VoIP: 4096,
} as const);
