/** Token `index` of run `tag` for the HTTP/2 bench: 64 hex digits, distinct per run and index. */
export function h2BenchToken(tag: number, index: number): string {
  return tag.toString(16).padStart(8, '0') + index.toString(16).padStart(8, '0') + '9f1c2e7a5b3d4c6e8a0b1d2f3e4c5a6b7d8e9f0a1b2c3d4e';
}
