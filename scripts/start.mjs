// The main job: for now a short codec demo; replaced by the full demo later.
await import('../packages/codec/dist/src/demo.js');
