// The data plane thread's main file: plain JavaScript, so it starts the same under tsx (npm start) and a test
// runner; it loads the TypeScript worker through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./data-plane-worker.ts', import.meta.url);
