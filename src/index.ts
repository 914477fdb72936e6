/** ecgpu: a WebGPU tensor engine with hand-written WGSL kernels, and the ECG classifiers built on it. */
// Kept in the emitted index.d.ts, so that a consumer's compiler knows GPUDevice & co. (`webgpu` depends on @webgpu/types).
/// <reference types="@webgpu/types" preserve="true" />
export { init, engine, Engine } from './engine/engine.js';
export { Tensor, type Shape, type DType } from './engine/tensor.js';
export { tidy, dispose } from './engine/scope.js';
export { NoAdapterError, type AdapterDescription } from './engine/device.js';
export * from './autograd/index.js';
export * from './optim/index.js';
export { Classifier, type Classification, type ClassScore, type HeartRate, type SaliencyImage, type LoadOptions } from './classifier/classifier.js';
export type { ModelSource } from './classifier/model-source.js';
export type { BackendChoice, BackendKind } from './classifier/inference-backend.js';
export { ModelFileError, type ModelMeta } from './models/model-file.js';
export { readRecord } from './ecg/read-record.js';
export { readRecordFiles, recordFromBytes, recordFromArrays, type RecordFile, type NamedBytes } from './ecg/read-bytes.js';
export { readableTwelveLead, UnreadableRecordError } from './ecg/quality.js';
export { generateRecord } from './ecg/synthetic.js';
export { EcgInputError, CLASS_NAMES, STANDARD_LEADS, type EcgRecord } from './ecg/types.js';
