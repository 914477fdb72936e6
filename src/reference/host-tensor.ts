/**
 * Plain TypeScript reference implementations work on HostTensors: float64 data with a shape.
 * They are written for clarity, not speed, and are what every GPU kernel is tested against.
 */
export interface HostTensor {
  data: Float64Array;
  shape: number[];
}

export const host = (data: ArrayLike<number>, shape: number[]): HostTensor => ({ data: Float64Array.from(data), shape: [...shape] });
export const zerosHost = (shape: number[]): HostTensor => ({ data: new Float64Array(shape.reduce((a, b) => a * b, 1)), shape: [...shape] });
export const mapHost = (t: HostTensor, f: (v: number, i: number) => number): HostTensor => ({ data: t.data.map(f), shape: [...t.shape] });
