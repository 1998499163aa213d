/** RFC 7541 Appendix A: the static table. Index 1 is the first entry; a value '' means "name only". */
export const STATIC_TABLE: readonly (readonly [name: string, value: string])[] = Object.freeze([
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
] as const);

export const STATIC_TABLE_LENGTH = STATIC_TABLE.length;

/** Static indexes by "name\0value" (a full match) and by name (the first entry of that name). */
const FIELD_INDEX = new Map<string, number>();
const NAME_INDEX = new Map<string, number>();
STATIC_TABLE.forEach(([name, value], position) => {
  FIELD_INDEX.set(`${name}\0${value}`, position + 1);
  if (!NAME_INDEX.has(name)) NAME_INDEX.set(name, position + 1);
});

/** The static index holding exactly this field, or 0. */
export function staticFieldIndex(name: string, value: string): number {
  return FIELD_INDEX.get(`${name}\0${value}`) ?? 0;
}

/** The first static index with this name, or 0. */
export function staticNameIndex(name: string): number {
  return NAME_INDEX.get(name) ?? 0;
}
