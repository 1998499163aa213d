/**
 * Bytes from annotated hex: whitespace is ignored and `#` starts a comment that runs to the end
 * of the line, so a vector can say what every field is.
 */
export function hex(annotated: string): Buffer {
  const digits = annotated
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join('')
    .replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not an even run of hex digits: ${digits}`);
  return Buffer.from(digits, 'hex');
}

/** The example token of protocol.md, used throughout the vectors. */
export const TOKEN_HEX = '740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad';
export const TOKEN = Buffer.from(TOKEN_HEX, 'hex');
/** `{"aps":{"alert":"Hi"}}`, 22 bytes. */
export const HI_PAYLOAD = '{"aps":{"alert":"Hi"}}';
export const HI_PAYLOAD_HEX = '7b22617073223a7b22616c657274223a224869227d7d';
