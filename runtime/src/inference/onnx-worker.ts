// An onnxruntime worker thread: holds sessions by key and runs them one request at a time, so
// the synchronous native calls (session create and run) never block the runner's event loop.
// Started by OnnxPool (worker-pool.ts) from this .ts file directly (Node 24 type stripping).
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type {
  LoadRequest,
  OutputKind,
  RunRequest,
  WorkerFailure,
  WorkerReply,
  WorkerRequest,
} from './worker-protocol.ts';

interface Slot {
  session: ort.InferenceSession;
  input: string;
  output: string;
  column: number;
  kind: OutputKind;
  width: number;
}

const port = parentPort;
if (!port) throw new Error('onnx-worker.ts runs as a worker thread only');

const slots = new Map<string, Slot>();
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

class Failure extends Error {
  readonly failure: WorkerFailure;
  constructor(failure: WorkerFailure, message: string) {
    super(message);
    this.failure = failure;
  }
}

/** The declared column of the output tensor, as n float64 scores in [0, 1] for kind probability. */
function extract(t: ort.Tensor, slot: Slot, n: number): Float64Array {
  const data = t.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array))
    throw new Failure('signature', `output "${slot.output}" is ${t.type}, not a float tensor`);
  const dims = t.dims;
  const cols = dims.length === 2 ? (dims[1] as number) : 1;
  if (dims.length > 2 || dims[0] !== n)
    throw new Failure(
      'signature',
      `output "${slot.output}" has shape [${dims.join(', ')}] for ${n} rows, not [${n}] or [${n}, k]`,
    );
  if (slot.column >= cols)
    throw new Failure(
      'signature',
      `spec.outputs.column ${slot.column} is beyond the ${cols} columns of "${slot.output}"`,
    );
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = data[r * cols + slot.column] as number;
    out[r] = slot.kind === 'score' ? logistic(v) : v;
  }
  return out;
}

async function run(slot: Slot, rows: Float32Array, n: number): Promise<Float64Array> {
  const feeds = { [slot.input]: new ort.Tensor('float32', rows, [n, slot.width]) };
  const result = await slot.session.run(feeds, [slot.output]);
  const t = result[slot.output];
  if (!t) throw new Failure('signature', `the run returned no output "${slot.output}"`);
  return extract(t, slot, n);
}

async function load(req: LoadRequest): Promise<Float64Array> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(req.bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new Failure('invalid', `onnxruntime cannot load it: ${(err as Error).message}`);
  }
  const { input, output, column, kind, width } = req;
  const slot: Slot = { session, input, output, column, kind, width };
  try {
    if (!session.inputNames.includes(req.input) || !session.outputNames.includes(req.output))
      throw new Failure(
        'signature',
        `the session has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`,
      );
    const scores = await run(slot, req.probe, req.probeRows).catch((err: unknown) => {
      if (err instanceof Failure) throw err;
      throw new Failure('signature', `the warm-up run failed: ${(err as Error).message}`);
    });
    slots.get(req.key)?.session.release();
    slots.set(req.key, slot);
    return scores;
  } catch (err) {
    await session.release();
    throw err;
  }
}

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  switch (msg.type) {
    case 'load':
      return { id: msg.id, ok: true, scores: await load(msg) };
    case 'run': {
      const slot = slots.get((msg as RunRequest).key);
      if (!slot) throw new Failure('run', `no session ${msg.key} in this worker`);
      try {
        return { id: msg.id, ok: true, scores: await run(slot, msg.rows, msg.n) };
      } catch (err) {
        if (err instanceof Failure) throw err;
        throw new Failure('run', (err as Error).message);
      }
    }
    case 'release': {
      const slot = slots.get(msg.key);
      slots.delete(msg.key);
      await slot?.session.release();
      return { id: msg.id, ok: true };
    }
    case 'close': {
      const all = [...slots.values()];
      slots.clear();
      for (const slot of all) await slot.session.release();
      return { id: msg.id, ok: true };
    }
    case 'stall':
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, msg.ms);
      return { id: msg.id, ok: true };
  }
}

// One request at a time, in arrival order: a release never overtakes the runs before it.
let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      reply = await handle(msg);
    } catch (err) {
      const failure = err instanceof Failure ? err.failure : 'run';
      reply = { id: msg.id, ok: false, failure, message: (err as Error).message };
    }
    if (reply.ok && reply.scores) port.postMessage(reply, [reply.scores.buffer as ArrayBuffer]);
    else port.postMessage(reply);
  });
});
