// The main job: the demo on the embedded mock server (after setup has built everything).
const args = process.argv.slice(2);
process.argv = [process.argv[0], 'demo', ...args];
await import('../dist/demo/main.js');
