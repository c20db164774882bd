// Messages between the main thread and an onnxruntime worker thread (onnx-worker.ts). Every
// request carries an id; the worker answers each with one reply carrying that id, in order.

export type OutputKind = 'probability' | 'score';

/** Creates a session under `key` and warms it with one run of the probe rows. */
export interface LoadRequest {
  type: 'load';
  id: number;
  key: string;
  bytes: Uint8Array;
  input: string;
  output: string;
  column: number;
  kind: OutputKind;
  width: number;
  /** probeRows x width rows scored once (the warm-up); their scores come back. */
  probe: Float32Array;
  probeRows: number;
}

/** Scores n rows (row-major n x width) with the session under `key`. */
export interface RunRequest {
  type: 'run';
  id: number;
  key: string;
  rows: Float32Array;
  n: number;
}

/** Releases the session under `key` (after the runs queued before it). */
export interface ReleaseRequest {
  type: 'release';
  id: number;
  key: string;
}

/** Test and benchmark hook: blocks the worker thread for `ms`, as a hung native run would. */
export interface StallRequest {
  type: 'stall';
  id: number;
  ms: number;
}

/** Releases every session (after the requests queued before it); the thread is then ended. */
export interface CloseRequest {
  type: 'close';
  id: number;
}

export type WorkerRequest = LoadRequest | RunRequest | ReleaseRequest | StallRequest | CloseRequest;

/** Why a request failed: the artifact (at load), its signature (at warm-up), or a run. */
export type WorkerFailure = 'invalid' | 'signature' | 'run';

export type WorkerReply =
  | { id: number; ok: true; scores?: Float64Array }
  | { id: number; ok: false; failure: WorkerFailure; message: string };
