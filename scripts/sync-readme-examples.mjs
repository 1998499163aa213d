// Copies each examples/ file into the README block below its `<!-- example: FILE -->` marker.
// The readme-examples test fails when they differ; run this after editing an example.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './setup.mjs';

const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const synced = readme.replace(/(<!-- example: (\S+) -->\n```\w+\n)[\s\S]*?```/g, (_, opening, file) => {
  return `${opening}${readFileSync(join(root, file), 'utf8')}\`\`\``;
});
writeFileSync(readmePath, synced);
console.log(synced === readme ? 'README examples already in sync' : 'README examples updated');
