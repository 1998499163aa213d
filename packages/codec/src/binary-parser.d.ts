// binary-parser ships types without a `types` export condition, so NodeNext cannot find them.
declare module 'binary-parser' {
  export * from 'binary-parser/dist/binary_parser.js';
}
