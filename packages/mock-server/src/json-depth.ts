// JSON from the control API and script files is parsed only once its nesting is known to be
// shallow: JSON.parse recurses, and 100,000 nested arrays overflow the stack.
import { MockServerError } from './errors.js';

/** Deepest nesting of arrays and objects accepted; faults, feedback and options need 3. */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting in `text`, counting brackets outside strings (one pass, no allocation). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === BACKSLASH) index++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (char === OPEN_BRACKET || char === OPEN_BRACE) deepest = Math.max(deepest, ++depth);
    else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) depth--;
  }
  return deepest;
}

/** JSON.parse, after refusing nesting deeper than MAX_JSON_DEPTH with APNS_ERR_JSON_TOO_DEEP. */
export function parseShallowJson(text: string, what: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new MockServerError('APNS_ERR_JSON_TOO_DEEP', `${what} nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return JSON.parse(text);
}
