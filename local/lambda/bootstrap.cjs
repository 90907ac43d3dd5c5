// The main file of a Lambda execution environment (one worker thread). Plain CommonJS so Node loads it as
// is: it loads the function's bundled asset once (the cold start's init phase), then answers one invocation
// at a time. Protocol: {type:'invoke', id, event, context, traceId} in; {type:'result', id, ok, payload|error} out.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');
const { pathToFileURL } = require('node:url');

// NODE_PATH is read when the module system starts; re-read it so the worker's own env counts.
if (typeof Module._initPaths === 'function') Module._initPaths();
// A worker does not parse NODE_OPTIONS (it is process-wide); the flag functions set is applied here.
if (/(^|\s)--enable-source-maps(\s|$)/.test(process.env.NODE_OPTIONS || ''))
  process.setSourceMapsEnabled(true);

function toLambdaError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error',
      errorMessage: error.message,
      trace: String(error.stack || '').split('\n'),
    };
  }
  return {
    errorType: 'Error',
    errorMessage: typeof error === 'string' ? error : JSON.stringify(error),
    trace: [],
  };
}

/**
 * In Lambda the asset folder is the task root: a `.js` file is ES module only if a package.json inside the
 * asset says `"type": "module"`. Locally the asset sits in cdk.out, inside the project, whose own package.json
 * (`"type": "module"`) must not decide how a CommonJS bundle loads.
 */
function assetIsModule(assetDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(assetDir, 'package.json'), 'utf8')).type === 'module';
  } catch {
    return false;
  }
}

/**
 * In Lambda the bundle sits in /var/task: `require` finds the asset's own node_modules, then NODE_PATH (the
 * layers, the runtime's modules). Locally the asset sits in cdk.out, inside the project: the folders above the
 * asset (the project's node_modules) must not answer what Lambda could not.
 */
function loadCommonJs(file, assetDir) {
  const loaded = new Module(file, module);
  loaded.filename = file;
  const root = path.resolve(assetDir);
  loaded.paths = Module._nodeModulePaths(path.dirname(file)).filter(
    (dir) => dir === path.join(root, 'node_modules') || dir.startsWith(root + path.sep),
  );
  loaded._compile(fs.readFileSync(file, 'utf8'), file);
  loaded.loaded = true;
  return loaded.exports;
}

async function loadHandler() {
  const { assetDir, handler } = workerData;
  const dot = handler.lastIndexOf('.');
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const base = path.resolve(assetDir, modulePath);
  const file = ['.js', '.cjs', '.mjs'].map((ext) => base + ext).find((candidate) => fs.existsSync(candidate));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${modulePath}'`), {
      name: 'Runtime.ImportModuleError',
    });
  }
  let loaded;
  if (file.endsWith('.mjs') || (file.endsWith('.js') && assetIsModule(assetDir)))
    loaded = await import(pathToFileURL(file).href);
  else if (file.endsWith('.js')) loaded = loadCommonJs(file, assetDir);
  else {
    try {
      loaded = require(file);
    } catch (error) {
      if (error && error.code === 'ERR_REQUIRE_ESM') loaded = await import(pathToFileURL(file).href);
      else throw error;
    }
  }
  const fn = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${modulePath}.${exportName} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return fn;
}

// This thread's scheduler statistics (Linux only), so the cloud can meter each function's CPU time.
function schedstatPath() {
  try {
    return `/proc/${fs.readlinkSync('/proc/thread-self')}/schedstat`;
  } catch {
    return undefined;
  }
}

// A background function's environment runs at a lower priority (local/lambda/background.ts), init included.
// Linux takes a thread id for a nice value; elsewhere, or refused, the thread keeps its priority.
if (workerData.nice > 0) {
  try {
    require('node:os').setPriority(
      Number(fs.readlinkSync('/proc/thread-self').split('/').pop()),
      workerData.nice,
    );
  } catch {
    // the priority is an optimisation, not a contract
  }
}

const started = performance.now();
const handlerReady = loadHandler().then(
  (fn) => {
    parentPort.postMessage({
      type: 'ready',
      initDurationMs: performance.now() - started,
      schedstat: schedstatPath(),
    });
    return fn;
  },
  (error) => {
    parentPort.postMessage({ type: 'initError', error: toLambdaError(error) });
    return undefined;
  },
);

function makeContext(raw) {
  return {
    ...raw,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, raw.deadline - Date.now()),
    done: () => {},
    succeed: () => {},
    fail: () => {},
  };
}

function callHandler(fn, event, context) {
  // A three-argument handler is callback style; Lambda takes whichever of callback or promise settles first.
  if (fn.length >= 3) {
    return new Promise((resolve, reject) => {
      const callback = (error, result) => (error ? reject(error) : resolve(result));
      const returned = fn(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
    });
  }
  return Promise.resolve().then(() => fn(event, context));
}

parentPort.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const fn = await handlerReady;
  if (!fn) return;
  if (message.traceId) process.env._X_AMZN_TRACE_ID = message.traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  try {
    const result = await callHandler(fn, message.event, makeContext(message.context));
    const payload = result === undefined ? 'null' : JSON.stringify(result);
    parentPort.postMessage({ type: 'result', id: message.id, ok: true, payload });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id: message.id, ok: false, error: toLambdaError(error) });
  }
});
